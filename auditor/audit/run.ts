// The full audit: collect the export, read the chain, run every check, produce the report.
import type { ChainCheckpoint, LedgerAnchorReader } from "../../sdk/ledger-anchor.ts";
import { InputError } from "../format/input-error.ts";
import type { HeaderLine } from "../format/lines.ts";
import type { RawLine } from "../format/ndjson.ts";
import { summarizeAnchoring, type AnchoringSummary } from "./anchoring-summary.ts";
import { loadChainView, type ChainView } from "./chain-view.ts";
import { checkAnchoring } from "./check-chain.ts";
import { checkDevices } from "./check-devices.ts";
import { checkErasures, type ErasedRecord, type OpeningsSummary } from "./check-erasures.ts";
import { checkEnvelopes, groupByEnvelope } from "./check-envelopes.ts";
import { checkAnchoredRoots, checkDuplicateLeaves, checkRecordsInLog } from "./check-log.ts";
import { checkRegistryCoverage } from "./check-registry.ts";
import { buildAttribution } from "./attribution.ts";
import { collect, type Collected, type ReadingPoint } from "./collect.ts";
import { SignatureQueue, type Signers } from "./signatures.ts";
import { WorkerPool } from "./worker-pool.ts";
import { FindingLog, type Finding, type FindingCode } from "./findings.ts";

export type AuditStats = {
  records: number; envelopes: number; devices: number; streams: number; leaves: number; signaturesVerified: number; envelopeRootsChecked: number;
  partialEnvelopes: number; checkpointsOnChain: number; checkpointsChecked: number; checkpointsBeyondExport: number;
  analyzeMs: number; chainReadMs: number; totalMs: number;
};

export type DeviceSummary = {
  address: string; label: string | null; records: number; firstSeq: number | null; lastSeq: number | null;
  registered: boolean; revoked: boolean; revokedAtCheckpoint: number;
};

export type AuditReport = {
  verdict: "clean" | "findings";
  source: string;
  auditedAt: string;
  chain: { chainId: number; contract: string; checkpoints: number; anchoredSize: number };
  export: Pick<HeaderLine, "protocolVersion" | "range" | "scope" | "treeSize" | "registryBlock" | "generatedAt"> | null;
  stats: AuditStats;
  counts: Partial<Record<FindingCode, number>>;
  totalFindings: number;
  findings: readonly Finding[];
  timeline: ChainCheckpoint[];
  anchoring: AnchoringSummary;
  devices: DeviceSummary[];
  readings: ReadingPoint[];
  /** What the records' openings showed; `erased` counts stubs and personal-erased events with erasure evidence. */
  openings: OpeningsSummary;
  /** Records whose openings were erased with valid evidence (not findings), the first ERASED_LISTED of them. */
  erased: ErasedRecord[];
};

export type AuditProgress = {
  onHeader?: (header: HeaderLine) => void;
  onRecord?: (count: number) => void;
  onPhase?: (phase: string, done: number, total: number) => void;
};

export type AnalyzeOptions = { source: string; now: number; slaMs: number; expectEnd: boolean; progress?: AuditProgress; signers?: Signers | null };

function checkEnd(c: Collected, expectEnd: boolean, findings: FindingLog): void {
  if (!c.end) {
    if (expectEnd) findings.add({ code: "EXPORT_TRUNCATED", message: "the export has no end line: it was cut short", expected: "end line", computed: "none" });
    return;
  }
  const computed = { device: c.counts.device, checkpoint: c.counts.checkpoint, envelope: c.counts.envelope, record: c.counts.record, leaves: c.leafCount };
  const diff = (Object.keys(computed) as (keyof typeof computed)[]).filter((k) => computed[k] !== c.end!.counts[k]);
  if (diff.length) findings.add({ code: "EXPORT_TRUNCATED", message: `the end line's counts differ from what was read (${diff.join(", ")})`, expected: c.end.counts, computed });
}

function summarizeDevices(c: Collected, chain: ChainView): DeviceSummary[] {
  const out = new Map<string, DeviceSummary>();
  const entry = (address: string): DeviceSummary => {
    let d = out.get(address);
    if (!d) {
      const s = chain.devices.get(address);
      d = { address, label: c.devices.get(address)?.label ?? null, records: 0, firstSeq: null, lastSeq: null,
        registered: s?.registered ?? false, revoked: s?.revoked ?? false, revokedAtCheckpoint: s?.revokedAtCheckpoint ?? 0 };
      out.set(address, d);
    }
    return d;
  };
  for (const a of c.devices.keys()) entry(a);
  for (const r of c.records) {
    const d = entry(r.device);
    d.records++;
    d.firstSeq = d.firstSeq === null ? r.seq : Math.min(d.firstSeq, r.seq);
    d.lastSeq = d.lastSeq === null ? r.seq : Math.max(d.lastSeq, r.seq);
  }
  return [...out.values()].sort((a, b) => a.address.localeCompare(b.address));
}

/** Every check over collected input and a chain view; pure CPU (this is what bench/audit.bench.ts measures). */
export function analyze(c: Collected, chain: ChainView, findings: FindingLog, opts: AnalyzeOptions): AuditReport {
  const started = performance.now();
  checkEnd(c, opts.expectEnd, findings);
  checkAnchoring(c, chain, findings);
  const groups = groupByEnvelope(c, findings);
  const env = checkEnvelopes(c, groups, chain, findings, (d) => opts.progress?.onPhase?.("signatures", d, c.envelopes.size), opts.signers ?? null);
  const who = buildAttribution(c, chain);
  const holes = checkRecordsInLog(c, findings, who);
  checkDuplicateLeaves(c, findings);
  const log = checkAnchoredRoots(c, chain, findings, who);
  checkRegistryCoverage(c, chain, findings, holes);
  const dev = checkDevices(c, chain, findings, { now: opts.now, slaMs: opts.slaMs });
  const erasures = checkErasures(c, chain, findings);
  const analyzeMs = performance.now() - started;
  const h = c.header;
  return {
    verdict: findings.total === 0 ? "clean" : "findings",
    source: opts.source,
    auditedAt: new Date(opts.now).toISOString(),
    chain: { chainId: chain.chainId, contract: chain.contract, checkpoints: chain.checkpoints.length, anchoredSize: chain.checkpoints.at(-1)?.treeSize ?? 0 },
    export: h && { protocolVersion: h.protocolVersion, range: h.range, scope: h.scope, treeSize: h.treeSize, registryBlock: h.registryBlock, generatedAt: h.generatedAt },
    stats: {
      records: c.records.length, envelopes: env.envelopes, devices: dev.devices, streams: dev.streams, leaves: log.leaves, signaturesVerified: env.signaturesVerified,
      envelopeRootsChecked: env.rootsChecked, partialEnvelopes: env.partial, checkpointsOnChain: chain.checkpoints.length,
      checkpointsChecked: log.checkpointsChecked, checkpointsBeyondExport: log.checkpointsBeyondExport, analyzeMs, chainReadMs: 0, totalMs: analyzeMs,
    },
    counts: findings.counts(),
    totalFindings: findings.total,
    findings: findings.list(),
    timeline: chain.checkpoints,
    anchoring: summarizeAnchoring(chain.checkpoints, c.records),
    devices: summarizeDevices(c, chain),
    readings: c.readings,
    openings: erasures.openings,
    erased: erasures.erased,
  };
}

/**
 * Pass 1 on worker threads once the export proves large: record lines parsed and hashed, envelope signers
 * recovered (for the export's own EIP-712 domain; if the audit pins another chain or contract, checkEnvelopes
 * recovers again), while the main thread reads lines and keeps the results.
 */
export async function collectAndSign(
  lines: AsyncIterable<RawLine>,
  findings: FindingLog,
  opts: { keepReadings?: boolean; progress?: AuditProgress; threads?: number; startWorkersAfter?: number } = {},
): Promise<{ c: Collected; signers: Signers | null }> {
  const pool = new WorkerPool(opts.threads);
  let queue: SignatureQueue | null = null;
  try {
    const c = await collect(lines, findings, {
      keepReadings: opts.keepReadings ?? false, onRecord: opts.progress?.onRecord, onHeader: opts.progress?.onHeader,
      pool, ...(opts.startWorkersAfter === undefined ? {} : { startWorkersAfter: opts.startWorkersAfter }),
      onEnvelope: (e, h) => {
        queue ??= new SignatureQueue(pool, h.chainId, h.contract);
        queue.add({ id: e.id, header: e.header, signature: e.signature });
      },
    });
    const signers = queue ? await (queue as SignatureQueue).finish() : null;
    return { c, signers };
  } finally {
    await pool.close();
  }
}

export type AuditOptions = Omit<AnalyzeOptions, "expectEnd"> & {
  lines: AsyncIterable<RawLine>;
  expectEnd: boolean;
  /** Connects to the chain named by the export header (the caller may pin chain id and contract). */
  connect: (header: HeaderLine) => Promise<LedgerAnchorReader>;
  keepReadings?: boolean;
  anchorTxs?: boolean;
};

export async function runAudit(opts: AuditOptions): Promise<AuditReport> {
  const started = performance.now();
  const findings = new FindingLog();
  const { c, signers } = await collectAndSign(opts.lines, findings, { keepReadings: opts.keepReadings ?? false, ...(opts.progress ? { progress: opts.progress } : {}) });
  if (!c.header) throw new InputError("input_format", "the export has no header line: not an otledger.export/2 stream");
  const reader = await opts.connect(c.header);
  const chainStarted = performance.now();
  let chain: ChainView;
  try {
    chain = await loadChainView(reader, c, { anchorTxs: opts.anchorTxs ?? true, onProgress: opts.progress?.onPhase });
  } finally {
    reader.close();
  }
  const chainReadMs = performance.now() - chainStarted;
  const report = analyze(c, chain, findings, { ...opts, signers });
  report.stats.chainReadMs = chainReadMs;
  report.stats.totalMs = performance.now() - started;
  return report;
}
