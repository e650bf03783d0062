// Tampering, always on scratch copies in the artifacts directory, never on the live ledger: one byte of the proof
// bundle's record, and one reading's value in a regulator bundle exported for the auditor.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exportBundleCommand } from "../../auditor/export/command.ts";
import { auditBundle, verifyFile } from "./auditor.ts";
import { waitFullyAnchored } from "./chain.ts";
import type { DemoLedger } from "./ledger.ts";
import type { Story } from "./story.ts";

type Rec = { kind: string; seq: number; device: string; body: Record<string, any> };

/** Changes one character of the maintenance record's work order in a copy of its proof bundle; verify must fail. */
export async function tamperProofBundle(story: Story, proofFile: string, dir: string, rpcUrl: string): Promise<string[]> {
  const bundle = JSON.parse(await readFile(proofFile, "utf8")) as { record: Rec };
  const before = String(bundle.record.body.workOrder);
  const after = before.slice(0, -1) + (before.endsWith("2") ? "3" : "2");
  bundle.record.body.workOrder = after;
  const copy = join(dir, "proof-bundle.tampered.json");
  await writeFile(copy, JSON.stringify(bundle, null, 2));
  story.line(`copy ${copy}: record.body.workOrder ${before} → ${after}`);
  const v = await verifyFile(story, copy, rpcUrl);
  story.check("tampered proof bundle is rejected", !v.ok && v.codes.length > 0, `verify → INVALID, ${v.codes.join(", ")}`);
  return v.codes;
}

/** Exports a regulator bundle, audits it (clean), changes one reading in a copy, audits the copy (findings). */
export async function tamperRegulatorBundle(story: Story, ledger: DemoLedger, auditorKey: string, dir: string, device: string): Promise<string[]> {
  const original = join(dir, "regulator-bundle.json");
  await waitFullyAnchored(ledger);
  const s = await exportBundleCommand({ api: ledger.url, apiKey: auditorKey, out: original, rpc: ledger.rpcUrl });
  story.line(`regulator bundle ${original}`, `${s.counts.record ?? 0} records, ${s.counts.envelope ?? 0} envelopes, ${s.counts.checkpoint ?? 0} checkpoints`);
  const clean = await auditBundle(original, ledger.rpcUrl);
  story.check("the bundle as exported audits clean", clean.verdict === "clean",
    `${clean.stats.records} records, verdict ${clean.verdict.toUpperCase()}${clean.findings[0] ? `: ${Object.keys(clean.counts).join(", ")} (${clean.findings[0].message})` : ""}`);

  const doc = JSON.parse(await readFile(original, "utf8")) as { records: { record: Rec }[] };
  const target = doc.records.find((r) => r.record.device === device && r.record.kind === "reading" && r.record.body.value?.t === "Double");
  if (target === undefined) throw new Error("no Double reading in the regulator bundle to tamper with");
  const body = target.record.body;
  const before = body.value.v as number;
  body.value.v = Math.round((before + 1.5) * 1000) / 1000;
  const copy = join(dir, "regulator-bundle.tampered.json");
  await writeFile(copy, JSON.stringify(doc));
  story.line(`copy ${copy}: seq ${target.record.seq} ${body.tag} ${before} → ${body.value.v}${body.unit ? ` ${body.unit}` : ""}`);
  const report = await auditBundle(copy, ledger.rpcUrl);
  const codes = Object.keys(report.counts);
  const first = report.findings[0];
  story.check("tampered regulator bundle has findings", report.verdict === "findings" && codes.includes("RECORD_HASH_MISMATCH"),
    `verdict ${report.verdict.toUpperCase()}: ${codes.map((c) => `${c} ×${report.counts[c as keyof typeof report.counts]}`).join(", ")}${first ? ` (${first.message})` : ""}`);
  return codes;
}
