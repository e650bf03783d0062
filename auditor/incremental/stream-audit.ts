// The streamed, resumable audit: the export is consumed line by line (the HTTP body is pulled as lines are
// checked: back-pressure) and every check runs on bounded state — the compact range, the device and stream heads,
// the current envelope, the range's stubs and erasure claims — while record hashes wait on disk for the leaves
// (leaf-spool.ts). From a saved state it audits only the leaves after it (GET /v1/export?fromIndex=).
import { CompactRange, toHex32 } from "../../core/index.ts";
import type { ChainCheckpoint, LedgerAnchorReader } from "../../sdk/ledger-anchor.ts";
import { checkAnchoring } from "../audit/check-chain.ts";
import { checkDeviceSnapshot, firstCovering } from "../audit/check-devices.ts";
import { checkRoleOfRecord } from "../audit/check-roles.ts";
import type { Collected } from "../audit/collect.ts";
import { FindingLog } from "../audit/findings.ts";
import { processRecordText, processRecordValue, type RecordOutcome } from "../audit/record-line.ts";
import { InputError } from "../format/input-error.ts";
import { ExportLineSchema, type CheckpointLine, type DeviceLine, type EndLine, type HeaderLine, type LineType } from "../format/lines.ts";
import type { RawLine } from "../format/ndjson.ts";
import { ChainState } from "./chain-state.ts";
import { EnvelopeChecker } from "./envelope-check.ts";
import { ChainHeads } from "./heads.ts";
import { LeafSpool } from "./leaf-spool.ts";
import { PendingErasures } from "./pending-erasures.ts";
import { checkServiceConsistency, checkStateChain, checkStateRoot, type ProofSource } from "./resume.ts";
import { buildReport, type IncrementalReport } from "./report.ts";
import { STATE_FORMAT, type AuditState } from "./state.ts";

export type StreamAuditOptions = {
  lines: AsyncIterable<RawLine>;
  /** The saved state to resume from; null audits from the genesis. */
  state: AuditState | null;
  connect: (header: HeaderLine) => Promise<LedgerAnchorReader>;
  /** The service's consistency proofs (GET /v1/checkpoints/consistency). */
  proofOf: ProofSource;
  source: string;
  now: number;
  slaMs: number;
};

export type StreamAuditResult = { report: IncrementalReport; state: AuditState | null };

/** Everything the run holds; none of it grows with the number of records. */
type Run = {
  header: HeaderLine; chain: ChainState; reader: LedgerAnchorReader; fromIndex: number;
  range: CompactRange | null; heads: ChainHeads; envelopes: EnvelopeChecker; spool: LeafSpool; erasures: PendingErasures;
  /** The newest anchored checkpoint the export covers: the state is saved there. */
  target: ChainCheckpoint | null;
  /** Checkpoints whose roots the leaves of this run reach, ascending; `next` is the next to compare. */
  toCheck: ChainCheckpoint[]; next: number; checkpointsChecked: number;
  headsAtTarget: ReturnType<ChainHeads["snapshot"]> | null; frontierAtTarget: string[] | null;
  devices: Map<string, DeviceLine>; checkpointLines: CheckpointLine[]; unregistered: Set<string>;
  records: number; leaves: number; end: EndLine | null;
};

export async function streamAudit(opts: StreamAuditOptions): Promise<StreamAuditResult> {
  const started = performance.now();
  const findings = new FindingLog();
  const counts: { [K in LineType]: number } = { header: 0, device: 0, checkpoint: 0, envelope: 0, record: 0, leaves: 0, end: 0 };
  let run: Run | null = null;
  try {
    for await (const raw of opts.lines) {
      const where = `${raw.source}:${raw.line}`;
      if ("error" in raw) { findings.add({ code: "EXPORT_MALFORMED", message: `${where}: ${raw.error}`, line: raw.line }); continue; }
      if ("text" in raw || (raw.value as { type?: unknown } | null)?.type === "record") {
        if (!run) throw new InputError("input_format", `${where}: a record before the header line: not an otledger.export/2 stream`);
        counts.record++;
        const outcome = "text" in raw ? processRecordText(raw.text, where, raw.line, false) : processRecordValue(raw.value, where, raw.line, false);
        await onRecord(run, outcome, findings, opts);
        continue;
      }
      const type = (raw.value as { type?: unknown } | null)?.type;
      if (typeof type !== "string" || !(type in counts)) continue; // unknown line types are ignored (forward compatible)
      const parsed = ExportLineSchema.safeParse(raw.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        findings.add({ code: "EXPORT_MALFORMED", message: `${where}: ${type} line: ${issue?.path.join(".")}: ${issue?.message}`, line: raw.line });
        continue;
      }
      const line = parsed.data;
      counts[line.type]++;
      if (line.type === "header") {
        if (run) { findings.add({ code: "EXPORT_MALFORMED", message: `${where}: a second header line`, line: raw.line }); continue; }
        run = await begin(line, findings, opts);
        if (run === null) break; // the state is another chain's: nothing of this export can be judged against it
        continue;
      }
      if (!run) throw new InputError("input_format", `${where}: a ${line.type} line before the header line: not an otledger.export/2 stream`);
      switch (line.type) {
        case "device": run.devices.set(line.address, line); break;
        case "checkpoint": run.checkpointLines.push(line); break;
        case "envelope": run.envelopes.begin(line); break;
        case "leaves": onLeaves(run, line.start, line.hashes, raw.line, findings); break;
        case "end": run.end = line; break;
      }
    }
    if (run === null && !findings.has("STATE_CHAIN_MISMATCH")) throw new InputError("input_format", "the export has no header line: not an otledger.export/2 stream");
    if (run) await finish(run, counts, findings, opts);
  } finally {
    run?.spool.close();
    run?.reader.close();
  }
  const state = run && findings.total === 0 ? nextState(run, opts.state) : null;
  return { report: buildReport(run, opts, findings, counts, performance.now() - started, state !== null && state !== opts.state), state };
}

async function begin(header: HeaderLine, findings: FindingLog, opts: StreamAuditOptions): Promise<Run | null> {
  const saved = opts.state;
  if (saved && !checkStateChain(saved, header, findings)) return null;
  if (header.scope !== "full") throw new InputError("input_format", "an incremental audit needs a full export: an auditor key, without --from, --to or --device");
  const fromIndex = saved?.checkpoint.treeSize ?? 0;
  if (header.range.fromIndex !== fromIndex) throw new InputError("input_format", `the export starts at leaf ${header.range.fromIndex}, not at the saved size ${fromIndex} (does the service support ?fromIndex=?)`);
  const reader = await opts.connect(header);
  try {
    const chain = await ChainState.load(reader);
    const cps = chain.view.checkpoints;
    let range: CompactRange | null = CompactRange.empty();
    if (saved) {
      range = checkStateRoot(saved, cps, findings);
      const newest = cps.at(-1);
      if (newest) await checkServiceConsistency(saved, newest, opts.proofOf, findings);
    }
    const after = cps.filter((cp) => cp.treeSize > fromIndex && cp.treeSize <= header.treeSize && cp.index > (saved?.checkpoint.index ?? -1));
    return {
      header, chain, reader, fromIndex, range, heads: saved ? ChainHeads.from(saved.devices, saved.streams) : new ChainHeads(),
      envelopes: new EnvelopeChecker(header, fromIndex, findings), spool: new LeafSpool(), erasures: new PendingErasures(),
      target: after.at(-1) ?? null, toCheck: after, next: 0, checkpointsChecked: 0, headsAtTarget: null, frontierAtTarget: null,
      devices: new Map(), checkpointLines: [], unregistered: new Set(), records: 0, leaves: 0, end: null,
    };
  } catch (err) {
    reader.close();
    throw err;
  }
}

async function onRecord(run: Run, o: RecordOutcome, findings: FindingLog, opts: StreamAuditOptions): Promise<void> {
  for (const f of o.findings) findings.add(f);
  if (o.erasure) run.erasures.claim(o.erasure);
  const r = o.entry;
  if (!r) return;
  run.records++;
  // The heads as of the target checkpoint are what the state keeps; records past it move them on.
  if (run.target && run.headsAtTarget === null && r.index >= run.target.treeSize) run.headsAtTarget = run.heads.snapshot();
  if (r.index < run.fromIndex || !run.spool.push(r.index, r.hash)) {
    findings.add({ code: "EXPORT_MALFORMED", message: `record ${r.device} seq ${r.seq} at leaf ${r.index} is out of leaf order or before the export's range (from ${run.fromIndex})`,
      device: r.device, seq: r.seq, index: r.index, expected: `ascending, >= ${run.fromIndex}`, computed: r.index });
    return;
  }
  run.envelopes.record(r);
  run.heads.apply(r, findings);
  run.erasures.record(r);
  const status = await run.chain.status(r.device);
  if (!status.registered && !run.unregistered.has(r.device)) {
    run.unregistered.add(r.device);
    findings.add({ code: "DEVICE_NOT_REGISTERED", message: `device ${r.device} signs exported records (first at leaf ${r.index}) but is not registered in LedgerAnchor`, device: r.device, index: r.index, expected: "registered", computed: "unknown to the contract" });
  }
  checkRoleOfRecord(r, status, findings);
  const cps = run.chain.view.checkpoints;
  const covering = firstCovering(cps, r.index);
  if (status.revoked && (covering === -1 || covering >= status.revokedAtCheckpoint)) {
    findings.add({ code: "RECORD_AFTER_REVOCATION", message: `device ${r.device} seq ${r.seq}: ${covering === -1 ? "not yet anchored" : `first anchored at checkpoint ${covering}`}, but the device was revoked at checkpoint ${status.revokedAtCheckpoint}`,
      device: r.device, seq: r.seq, index: r.index, checkpoint: covering, expected: `< ${status.revokedAtCheckpoint}`, computed: covering });
  }
  if (covering === -1 && opts.now - r.receivedAt > opts.slaMs) {
    findings.add({ code: "RECORD_UNANCHORED_PAST_SLA", message: `device ${r.device} seq ${r.seq} (leaf ${r.index}) is still unanchored ${Math.round((opts.now - r.receivedAt) / 1000)} s after it was received`,
      device: r.device, seq: r.seq, index: r.index, expected: `anchored within ${opts.slaMs / 1000} s`, computed: `${Math.round((opts.now - r.receivedAt) / 1000)} s` });
  }
}

function onLeaves(run: Run, start: number, hashes: readonly string[], lineNo: number, findings: FindingLog): void {
  if (run.leaves === 0) {
    run.envelopes.finish(); // every record has been read: the leaves come last
    run.headsAtTarget ??= run.heads.snapshot();
  }
  const expectedStart = run.fromIndex + run.leaves;
  if (start !== expectedStart) {
    findings.add({ code: "EXPORT_MALFORMED", message: `leaves chunk starts at ${start}, expected ${expectedStart}`, line: lineNo, expected: expectedStart, computed: start });
    return;
  }
  for (const hex of hashes) {
    const index = run.fromIndex + run.leaves++;
    const leaf = Buffer.from(hex.slice(2), "hex");
    const record = run.spool.take(index, (skipped) => recordOutsideLog(skipped, findings));
    if (record === null) {
      findings.add({ code: "LEAF_WITHOUT_RECORD", message: `leaf ${index} has no matching record in a full export (record deleted or withheld)`, index, expected: hex });
    } else if (!record.equals(leaf)) {
      findings.add({ code: "RECORD_NOT_IN_LOG", message: `leaf ${index} is not the hash of the record exported there`, index, expected: hex, computed: toHex32(record) });
    }
    if (!run.range) continue; // the saved state did not match the chain: no root to extend
    run.range.append(leaf);
    checkRootsAt(run, findings);
  }
}

function checkRootsAt(run: Run, findings: FindingLog): void {
  const range = run.range!;
  for (let cp = run.toCheck[run.next]; cp !== undefined && cp.treeSize === range.size; cp = run.toCheck[++run.next]) {
    const root = toHex32(range.root());
    run.checkpointsChecked++;
    if (root !== cp.root) {
      findings.add({ code: "CHECKPOINT_ROOT_MISMATCH", message: `checkpoint ${cp.index}: the audited log extended with the exported leaves up to ${cp.treeSize} does not give the root anchored on chain`,
        checkpoint: cp.index, expected: cp.root, computed: root });
    }
    if (cp === run.target) run.frontierAtTarget = range.frontier().map((s) => toHex32(s.hash));
  }
}

const recordOutsideLog = (index: number, findings: FindingLog) =>
  findings.add({ code: "RECORD_NOT_IN_LOG", message: `a record claims leaf ${index}, which the exported leaves do not hold`, index, computed: index });

async function finish(run: Run, counts: { [K in LineType]: number }, findings: FindingLog, opts: StreamAuditOptions): Promise<void> {
  run.envelopes.finish();
  run.headsAtTarget ??= run.heads.snapshot();
  run.spool.rest((i) => recordOutsideLog(i, findings));
  const h = run.header;
  const read = { device: counts.device, checkpoint: counts.checkpoint, envelope: counts.envelope, record: counts.record, leaves: run.leaves };
  if (!run.end) findings.add({ code: "EXPORT_TRUNCATED", message: "the export has no end line: it was cut short", expected: "end line", computed: "none" });
  else {
    const end = run.end;
    const diff = (Object.keys(read) as (keyof typeof read)[]).filter((k) => read[k] !== end.counts[k]);
    if (diff.length) findings.add({ code: "EXPORT_TRUNCATED", message: `the end line's counts differ from what was read (${diff.join(", ")})`, expected: end.counts, computed: read });
  }
  if (run.fromIndex + run.leaves !== h.treeSize) {
    findings.add({ code: "EXPORT_TRUNCATED", message: `the header announces ${h.treeSize} leaves, the export holds up to ${run.fromIndex + run.leaves}`, expected: h.treeSize, computed: run.fromIndex + run.leaves });
  }
  if (run.target && run.next < run.toCheck.length) run.frontierAtTarget = null; // a checkpoint the leaves never reached
  await run.chain.statuses([...run.devices.keys(), ...run.erasures.signers()]);
  await run.chain.anchorTxsFrom((opts.state?.checkpoint.index ?? -1) + 1);
  const shell: Collected = {
    header: h, devices: run.devices, checkpoints: run.checkpointLines, envelopes: new Map(), records: [], leaves: Buffer.alloc(0),
    leafCount: run.fromIndex + run.leaves, end: run.end, counts, readings: [], erasures: [],
  };
  checkAnchoring(shell, run.chain.view, findings);
  checkDeviceSnapshot(shell, run.chain.view, findings);
  for (const reg of run.chain.view.registrations) {
    if (reg.blockNumber > h.registryBlock || run.devices.has(reg.device)) continue;
    findings.add({ code: "DEVICE_MISSING_FROM_EXPORT", device: reg.device, message: `device ${reg.device} was registered in LedgerAnchor at block ${reg.blockNumber} (tx ${reg.txHash}), but the export has no device line of it`,
      expected: { registeredAtBlock: reg.blockNumber, txHash: reg.txHash, registryBlock: h.registryBlock }, computed: { deviceLine: false } });
  }
  run.erasures.finish((a) => run.chain.view.devices.get(a), findings);
}

/** The state at the target checkpoint, or the saved one again when no newer checkpoint was audited. */
function nextState(run: Run, saved: AuditState | null): AuditState | null {
  const cp = run.target;
  if (cp === null || run.frontierAtTarget === null || run.headsAtTarget === null) return saved;
  return {
    format: STATE_FORMAT, chainId: run.chain.view.chainId, contract: run.chain.view.contract,
    checkpoint: { index: cp.index, treeSize: cp.treeSize, root: cp.root, blockNumber: cp.blockNumber, timestamp: cp.timestamp },
    frontier: run.frontierAtTarget, devices: run.headsAtTarget.devices, streams: run.headsAtTarget.streams, savedAt: new Date().toISOString(),
  };
}
