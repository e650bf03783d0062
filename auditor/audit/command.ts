// `otledger audit`: from the export API or a bundle file, against the chain; terminal summary, --json, --html.
import { writeFile } from "node:fs/promises";
import cliProgress from "cli-progress";
import { connectLedgerAnchor } from "../../sdk/ledger-anchor.ts";
import { openBundle } from "../format/bundle-read.ts";
import { openExportStream } from "../format/export-api.ts";
import { InputError } from "../format/input-error.ts";
import type { RawLine } from "../format/ndjson.ts";
import { renderHtmlReport } from "./report-html.ts";
import { formatReport } from "./report-text.ts";
import { runAudit, type AuditProgress, type AuditReport } from "./run.ts";
import { formatIncrementalReport, type IncrementalReport } from "../incremental/report.ts";
import { runIncrementalAudit } from "../incremental/run.ts";

export type AuditCommandOptions = {
  api?: string; apiKey?: string; bundle?: string; from?: string; to?: string; device?: string[]; state?: string;
  rpc: string; chainId?: number; contract?: string; slaMs: number; json?: boolean; html?: string; progress: boolean;
};

/** "30s", "10m", "2h", "1d" or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new InputError("input_format", `not a duration: ${text} (use e.g. 30s, 10m, 2h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? "s") as "s"];
  return Number(m[1]) * unit;
}

async function openInput(o: AuditCommandOptions): Promise<{ lines: AsyncIterable<RawLine>; expectEnd: boolean; source: string }> {
  if (o.bundle && o.api) throw new InputError("input_format", "give either --bundle or --api, not both");
  if (o.bundle) return { ...(await openBundle(o.bundle)), source: o.bundle };
  if (!o.api) throw new InputError("input_format", "nothing to audit: give --bundle FILE, or --api URL with --api-key KEY");
  if (!o.apiKey) throw new InputError("input_format", "--api needs --api-key KEY (an auditor key)");
  const q = { ...(o.from === undefined ? {} : { from: o.from }), ...(o.to === undefined ? {} : { to: o.to }), ...(o.device ? { devices: o.device } : {}) };
  return { lines: await openExportStream(o.api, o.apiKey, q), expectEnd: true, source: `${o.api} /v1/export` };
}

function progressBar(enabled: boolean): { progress: AuditProgress; stop: () => void } {
  if (!enabled) return { progress: {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: "{phase} [{bar}] {value}/{total}", hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let phase = "";
  const show = (name: string, done: number, total: number) => {
    if (name !== phase) {
      if (phase) bar.stop();
      phase = name;
      bar.start(Math.max(total, 1), done, { phase: name.padEnd(20) });
    } else {
      bar.setTotal(Math.max(total, done, 1));
      bar.update(done);
    }
  };
  let last = 0;
  let expected = 0;
  return {
    progress: {
      onHeader: (h) => { expected = h.range.toIndex - h.range.fromIndex; },
      onRecord: (n) => { if (n - last >= 1000) { last = n; show("records", n, Math.max(expected, n)); } },
      onPhase: (name, done, total) => show(name, done, total),
    },
    stop: () => { if (phase) bar.stop(); },
  };
}

/** `--state FILE`: the streamed audit from the saved state (or the genesis) to the newest anchored checkpoint. */
async function incrementalCommand(o: AuditCommandOptions & { state: string }): Promise<{ exitCode: 0 | 1; report: IncrementalReport }> {
  if (o.bundle || o.from !== undefined || o.to !== undefined || o.device || o.html) {
    throw new InputError("input_format", "--state audits the whole log from the export API: give --api and --api-key, without --bundle, --from, --to, --device or --html");
  }
  if (!o.api || !o.apiKey) throw new InputError("input_format", "--state needs --api URL and --api-key KEY (an auditor key)");
  const report = await runIncrementalAudit({
    api: o.api, apiKey: o.apiKey, rpc: o.rpc, stateFile: o.state, slaMs: o.slaMs,
    ...(o.chainId === undefined ? {} : { chainId: o.chainId }), ...(o.contract === undefined ? {} : { contract: o.contract }),
  });
  process.stdout.write((o.json ? JSON.stringify(report, null, 2) : formatIncrementalReport(report, o.state)) + "\n");
  return { exitCode: report.verdict === "clean" ? 0 : 1, report };
}

/** Runs the audit and prints it. Returns the exit code: 0 clean, 1 findings (errors throw: exit 2). */
export async function auditCommand(o: AuditCommandOptions): Promise<{ exitCode: 0 | 1; report: AuditReport | IncrementalReport }> {
  if (o.state !== undefined) return incrementalCommand({ ...o, state: o.state });
  const input = await openInput(o);
  const bar = progressBar(o.progress && !o.json && Boolean(process.stderr.isTTY));
  let report: AuditReport;
  try {
    report = await runAudit({
      ...input, now: Date.now(), slaMs: o.slaMs, keepReadings: Boolean(o.html), progress: bar.progress,
      connect: (header) => connectLedgerAnchor(o.rpc, o.contract ?? header.contract, { expectedChainId: o.chainId ?? header.chainId }),
    });
  } finally {
    bar.stop();
  }
  if (o.html) {
    await writeFile(o.html, await renderHtmlReport(report)).catch((err: Error) => {
      throw new InputError("output_unwritable", `cannot write ${o.html}: ${err.message}`);
    });
  }
  if (o.json) process.stdout.write(JSON.stringify({ ...report, readings: undefined }, null, 2) + "\n");
  else process.stdout.write(formatReport(report) + (o.html ? `\n  report written to ${o.html}` : "") + "\n");
  return { exitCode: report.verdict === "clean" ? 0 : 1, report };
}
