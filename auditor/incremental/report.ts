// The streamed audit's report: what was resumed from, what was audited up to, counts and findings (JSON), and
// its terminal form.
import type { Finding, FindingCode, FindingLog } from "../audit/findings.ts";
import type { LineType } from "../format/lines.ts";
import type { OpeningCounts } from "./pending-erasures.ts";
import type { AuditState } from "./state.ts";

type Point = { checkpoint: number; treeSize: number };

export type IncrementalReport = {
  verdict: "clean" | "findings";
  mode: "incremental";
  source: string;
  auditedAt: string;
  chain: { chainId: number; contract: string; checkpoints: number; newest: Point | null } | null;
  /** The saved state's checkpoint, or null for an audit from the genesis. */
  resumedFrom: Point | null;
  /** The newest anchored checkpoint whose root this run reached, or null if none. */
  auditedTo: Point | null;
  /** The leaves read: [fromIndex, toIndex) (the export's range; fromIndex is the saved size). */
  export: { fromIndex: number; toIndex: number } | null;
  stats: {
    records: number; leaves: number; envelopes: number; signaturesVerified: number; envelopeRootsChecked: number; partialEnvelopes: number;
    checkpointsChecked: number; devices: number; streams: number; lines: Record<LineType, number>; totalMs: number; recordsPerSecond: number;
  };
  openings: OpeningCounts | null;
  /** Whether a new state may be saved (a clean run). */
  stateAdvanced: boolean;
  counts: Partial<Record<FindingCode, number>>;
  totalFindings: number;
  findings: readonly Finding[];
};

type RunView = {
  header: { range: { fromIndex: number }; treeSize: number };
  chain: { view: { chainId: number; contract: string; checkpoints: { index: number; treeSize: number }[] } };
  target: { index: number; treeSize: number } | null; frontierAtTarget: string[] | null;
  envelopes: { stats: { envelopes: number; signaturesVerified: number; rootsChecked: number; partial: number } };
  heads: { devices: Map<string, unknown>; streams: Map<string, unknown> };
  erasures: { counts: OpeningCounts };
  records: number; leaves: number; checkpointsChecked: number;
};

export function buildReport(run: RunView | null, opts: { state: AuditState | null; source: string; now: number }, findings: FindingLog,
  lines: Record<LineType, number>, totalMs: number, stateAdvanced: boolean): IncrementalReport {
  const cps = run?.chain.view.checkpoints ?? [];
  const newest = cps.at(-1);
  const saved = opts.state?.checkpoint;
  const reached = run?.target && run.frontierAtTarget ? run.target : null;
  const records = run?.records ?? 0;
  return {
    verdict: findings.total === 0 ? "clean" : "findings",
    mode: "incremental",
    source: opts.source,
    auditedAt: new Date(opts.now).toISOString(),
    chain: run ? { chainId: run.chain.view.chainId, contract: run.chain.view.contract, checkpoints: cps.length, newest: newest ? { checkpoint: newest.index, treeSize: newest.treeSize } : null } : null,
    resumedFrom: saved ? { checkpoint: saved.index, treeSize: saved.treeSize } : null,
    auditedTo: reached ? { checkpoint: reached.index, treeSize: reached.treeSize } : saved ? { checkpoint: saved.index, treeSize: saved.treeSize } : null,
    export: run ? { fromIndex: run.header.range.fromIndex, toIndex: run.header.treeSize } : null,
    stats: {
      records, leaves: run?.leaves ?? 0, envelopes: run?.envelopes.stats.envelopes ?? 0, signaturesVerified: run?.envelopes.stats.signaturesVerified ?? 0,
      envelopeRootsChecked: run?.envelopes.stats.rootsChecked ?? 0, partialEnvelopes: run?.envelopes.stats.partial ?? 0, checkpointsChecked: run?.checkpointsChecked ?? 0,
      devices: run?.heads.devices.size ?? 0, streams: run?.heads.streams.size ?? 0, lines, totalMs, recordsPerSecond: totalMs > 0 ? Math.round(records / (totalMs / 1000)) : 0,
    },
    openings: run?.erasures.counts ?? null,
    stateAdvanced,
    counts: findings.counts(),
    totalFindings: findings.total,
    findings: findings.list(),
  };
}

export function formatIncrementalReport(r: IncrementalReport, stateFile: string): string {
  const at = (p: Point | null) => (p ? `checkpoint ${p.checkpoint} (size ${p.treeSize})` : "the genesis");
  const out = [
    `otledger audit (incremental) of ${r.source}`,
    `  chain: ${r.chain ? `${r.chain.chainId} ${r.chain.contract}, ${r.chain.checkpoints} checkpoints, newest ${at(r.chain.newest)}` : "not read"}`,
    `  resumed from ${at(r.resumedFrom)}; audited to ${at(r.auditedTo)}`,
    `  read: leaves ${r.export ? `[${r.export.fromIndex}, ${r.export.toIndex})` : "none"}, ${r.stats.records} records, ${r.stats.envelopes} envelopes, ${r.stats.signaturesVerified} signatures, ${r.stats.checkpointsChecked} checkpoint roots`,
    `  heads: ${r.stats.devices} devices, ${r.stats.streams} streams; ${Math.round(r.stats.totalMs)} ms (${r.stats.recordsPerSecond} records/s)`,
    r.verdict === "clean" ? "VERDICT: CLEAN" : `VERDICT: ${r.totalFindings} FINDING(S)`,
  ];
  for (const [code, n] of Object.entries(r.counts)) out.push(`  ${code} ×${n}`);
  for (const f of r.findings.slice(0, 20)) out.push(`    ${f.code}: ${f.message}`);
  out.push(r.stateAdvanced ? `  state written to ${stateFile}` : `  state ${stateFile} left as it was (${r.verdict === "clean" ? "nothing new anchored" : "findings"})`);
  return out.join("\n");
}
