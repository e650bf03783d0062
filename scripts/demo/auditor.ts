// The auditor trusts only the chain: it verifies one proof bundle with LedgerAnchor's facts, then audits the
// whole ledger from the export API and writes the HTML report.
import { writeFile } from "node:fs/promises";
import { renderHtmlReport } from "../../auditor/audit/report-html.ts";
import { formatReport } from "../../auditor/audit/report-text.ts";
import { runAudit, type AuditReport } from "../../auditor/audit/run.ts";
import { connectLedgerAnchor } from "../../sdk/ledger-anchor.ts";
import { openBundle } from "../../auditor/format/bundle-read.ts";
import { openExportStream } from "../../auditor/format/export-api.ts";
import type { RawLine } from "../../auditor/format/ndjson.ts";
import { verifyBundleFile } from "../../auditor/verify/command.ts";
import type { DemoLedger } from "./ledger.ts";
import type { Story } from "./story.ts";

/** `otledger verify <file> --rpc <url>`: prints one line per check; returns whether the bundle is valid and the failed codes. */
export async function verifyFile(story: Story, file: string, rpcUrl: string): Promise<{ ok: boolean; checks: number; codes: string[] }> {
  const outcome = await verifyBundleFile(file, rpcUrl);
  const checks = outcome.result.checks;
  const marks = checks.map((c) => `${c.ok ? "✓" : "✗"} ${c.name}`);
  for (let i = 0; i < marks.length; i += 8) story.line(marks.slice(i, i + 8).join("  "));
  return { ok: outcome.result.ok, checks: checks.length, codes: checks.filter((c) => !c.ok).map((c) => c.code ?? c.name) };
}

export async function audit(lines: AsyncIterable<RawLine>, source: string, expectEnd: boolean, rpcUrl: string, keepReadings = false): Promise<AuditReport> {
  return runAudit({
    lines, expectEnd, source, now: Date.now(), slaMs: 10 * 60_000, keepReadings,
    connect: (header) => connectLedgerAnchor(rpcUrl, header.contract, { expectedChainId: header.chainId }),
  });
}

/** `otledger audit --api URL --api-key KEY --html FILE`. */
export async function fullAudit(story: Story, ledger: DemoLedger, auditorKey: string, htmlFile: string): Promise<AuditReport> {
  const report = await audit(await openExportStream(ledger.url, auditorKey), `${ledger.url} /v1/export`, true, ledger.rpcUrl, true);
  await writeFile(htmlFile, await renderHtmlReport(report));
  for (const line of formatReport(report).split("\n")) story.line(line);
  return report;
}

/** `otledger audit --bundle FILE`. */
export async function auditBundle(file: string, rpcUrl: string): Promise<AuditReport> {
  const input = await openBundle(file);
  return audit(input.lines, file, input.expectEnd, rpcUrl);
}
