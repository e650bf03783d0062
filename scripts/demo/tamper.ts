// Tampering, always on scratch copies in the artifacts directory, never on the live ledger: one character of the
// proof bundle's record body, and one sample of a series in a regulator bundle exported for the auditor. In v2
// the header (which alone is hashed and signed) commits to the body under a salt, so editing a body leaves the
// record hash intact and is caught by the body commitment instead.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SeriesBody } from "../../core/index.ts";
import { exportBundleCommand } from "../../auditor/export/command.ts";
import { auditBundle, verifyFile } from "./auditor.ts";
import { waitFullyAnchored } from "./chain.ts";
import type { DemoLedger } from "./ledger.ts";
import type { Story } from "./story.ts";

type Rec = { header: { seq: number; kind: string; from: string }; stream?: { name: string }; body?: Record<string, any> };

/** Changes one character of the maintenance record's work order in a copy of its proof bundle; verify must fail. */
export async function tamperProofBundle(story: Story, proofFile: string, dir: string, rpcUrl: string): Promise<string[]> {
  const bundle = JSON.parse(await readFile(proofFile, "utf8")) as { record: Rec };
  const body = bundle.record.body!;
  const before = String(body.workOrder);
  const after = before.slice(0, -1) + (before.endsWith("2") ? "3" : "2");
  body.workOrder = after;
  const copy = join(dir, "proof-bundle.tampered.json");
  await writeFile(copy, JSON.stringify(bundle, null, 2));
  story.line(`copy ${copy}: record.body.workOrder ${before} → ${after}`);
  const v = await verifyFile(story, copy, rpcUrl);
  story.check("tampered proof bundle is rejected", !v.ok && v.codes.includes("body_commitment_mismatch"), `verify → INVALID, ${v.codes.join(", ")}`);
  return v.codes;
}

/** Exports a regulator bundle, audits it (clean), changes one sample of series `target` in a copy, audits the copy (findings). */
export async function tamperRegulatorBundle(story: Story, ledger: DemoLedger, auditorKey: string, dir: string, target: string): Promise<string[]> {
  const original = join(dir, "regulator-bundle.json");
  await waitFullyAnchored(ledger);
  const s = await exportBundleCommand({ api: ledger.url, apiKey: auditorKey, out: original, rpc: ledger.rpcUrl });
  story.line(`regulator bundle ${original}`, `${s.counts.record ?? 0} records, ${s.counts.envelope ?? 0} envelopes, ${s.counts.checkpoint ?? 0} checkpoints`);
  const clean = await auditBundle(original, ledger.rpcUrl);
  story.check("the bundle as exported audits clean", clean.verdict === "clean",
    `${clean.stats.records} records, verdict ${clean.verdict.toUpperCase()}${clean.findings[0] ? `: ${Object.keys(clean.counts).join(", ")} (${clean.findings[0].message})` : ""}`);

  const doc = JSON.parse(await readFile(original, "utf8")) as { records: { hash: string; record: Rec }[] };
  const line = doc.records.find((r) => r.hash === target);
  if (line?.record.body === undefined || line.record.header.kind !== "series") throw new Error(`series ${target} is not in the regulator bundle with its body`);
  const body = line.record.body as SeriesBody;
  const i = Math.floor(body.values.length / 2); // a sample in the middle of the window: header from/to stay as they were
  const before = body.values[i] as number;
  body.values[i] = Math.round((before + 1.5) * 1000) / 1000;
  const copy = join(dir, "regulator-bundle.tampered.json");
  await writeFile(copy, JSON.stringify(doc));
  story.line(`copy ${copy}: seq ${line.record.header.seq} ${line.record.stream?.name} sample ${i} of ${body.values.length}: ${before} → ${body.values[i]}${body.unit ? ` ${body.unit}` : ""}`);
  const report = await auditBundle(copy, ledger.rpcUrl);
  const codes = Object.keys(report.counts);
  const first = report.findings[0];
  story.check("tampered regulator bundle has findings", report.verdict === "findings" && codes.includes("BODY_COMMITMENT_MISMATCH"),
    `verdict ${report.verdict.toUpperCase()}: ${codes.map((c) => `${c} ×${report.counts[c as keyof typeof report.counts]}`).join(", ")}${first ? ` (${first.message})` : ""}`);
  return codes;
}
