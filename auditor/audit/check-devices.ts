// Per device: registered on chain, snapshot honest, seq chain complete and linked, no fork, its stream chains
// whole, each record signed by a key of the right role, nothing first anchored after revocation, nothing left
// unanchored past the SLA.
import { toHex32 } from "../../core/index.ts";
import type { ChainCheckpoint } from "../../sdk/ledger-anchor.ts";
import type { ChainView } from "./chain-view.ts";
import type { Collected, RecordEntry } from "./collect.ts";
import type { FindingLog } from "./findings.ts";
import { checkRoleOfRecord } from "./check-roles.ts";
import { checkStreamsOfDevice } from "./check-streams.ts";

/** Index of the first checkpoint whose tree covers `leaf`, or -1 while none does (binary search, no chain read). */
export function firstCovering(checkpoints: readonly ChainCheckpoint[], leaf: number): number {
  let lo = 0, hi = checkpoints.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (checkpoints[mid]!.treeSize > leaf) hi = mid;
    else lo = mid + 1;
  }
  return lo < checkpoints.length ? lo : -1;
}

export function checkDeviceSnapshot(c: Collected, chain: ChainView, findings: FindingLog): void {
  const registryBlock = c.header?.registryBlock ?? Infinity;
  for (const [address, line] of c.devices) {
    const s = chain.devices.get(address);
    if (!s) continue;
    // A revocation after the snapshot block is not a lie; anything else that differs is.
    const revokedBySnapshot = s.revoked && s.revokedAtBlock <= registryBlock;
    const expected: Record<string, unknown> = { registered: s.registered, revoked: revokedBySnapshot, revokedAtCheckpoint: revokedBySnapshot ? s.revokedAtCheckpoint : 0, metadataHash: s.metadataHash };
    const computed: Record<string, unknown> = { registered: line.registered, revoked: line.revoked, revokedAtCheckpoint: line.revokedAtCheckpoint, metadataHash: line.metadataHash };
    // The role is compared only when the export states one (it is read from the chain either way).
    if (line.role !== undefined) {
      expected.role = s.role;
      computed.role = line.role;
    }
    const diff = Object.keys(expected).filter((k) => expected[k] !== computed[k]);
    if (diff.length) findings.add({ code: "DEVICE_SNAPSHOT_MISMATCH", message: `device ${address}: the exported registry entry differs from LedgerAnchor in ${diff.join(", ")}`, device: address, expected, computed });
  }
}

/**
 * `complete`: the export holds every record of the device in its range (full scope), so a missing seq is a finding;
 * in a partial export (grants or filters by kind, site or time) gaps are expected and only prev links between
 * consecutive seqs are checked.
 */
function checkChainOfDevice(device: string, records: RecordEntry[], complete: boolean, startsAtGenesis: boolean, findings: FindingLog): void {
  records.sort((a, b) => a.index - b.index);
  // Log order must follow seq order (a device's envelopes are appended in seq order).
  for (let i = 1; i < records.length; i++) {
    const a = records[i - 1]!, b = records[i]!;
    if (b.seq < a.seq) findings.add({ code: "SEQ_OUT_OF_ORDER", message: `device ${device}: seq ${b.seq} at leaf ${b.index} comes after seq ${a.seq} at leaf ${a.index}`,
      device, seq: b.seq, index: b.index, expected: `> ${a.seq}`, computed: b.seq });
  }
  const bySeq = new Map<number, RecordEntry>();
  for (const r of records) {
    const other = bySeq.get(r.seq);
    if (!other) bySeq.set(r.seq, r);
    else if (!other.hash.equals(r.hash)) {
      findings.add({ code: "SEQ_EQUIVOCATION", message: `device ${device}: two different records for seq ${r.seq} (leaves ${other.index} and ${r.index})`,
        device, seq: r.seq, index: r.index, expected: toHex32(other.hash), computed: toHex32(r.hash) });
    }
  }
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  const first = seqs[0];
  if (first !== undefined && startsAtGenesis && first !== 1) {
    findings.add({ code: "SEQ_GAP", message: `device ${device}: its chain starts at seq ${first}, not 1`, device, seq: 1, expected: 1, computed: first });
  }
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i]!;
    const r = bySeq.get(seq)!;
    if (seq === 1 && r.prev !== null) {
      findings.add({ code: "PREV_MISMATCH", message: `device ${device}: seq 1 must have prev null`, device, seq, index: r.index, expected: null, computed: r.prev });
    }
    if (i === 0) continue;
    const before = seqs[i - 1]!;
    if (seq !== before + 1) {
      if (!complete) continue;
      findings.add({ code: "SEQ_GAP", message: `device ${device}: seq jumps from ${before} to ${seq} (${seq - before - 1} missing)`, device, seq: before + 1, index: r.index, expected: before + 1, computed: seq });
      continue;
    }
    const expectedPrev = toHex32(bySeq.get(before)!.hash);
    if (r.prev !== expectedPrev) {
      findings.add({ code: "PREV_MISMATCH", message: `device ${device}: seq ${seq}'s prev is not the hash of seq ${before}`, device, seq, index: r.index, expected: expectedPrev, computed: r.prev });
    }
  }
}

export function checkDevices(c: Collected, chain: ChainView, findings: FindingLog, opts: { now: number; slaMs: number }): { devices: number; streams: number } {
  checkDeviceSnapshot(c, chain, findings);
  const byDevice = new Map<string, RecordEntry[]>();
  for (const r of c.records) {
    const list = byDevice.get(r.device);
    if (list) list.push(r);
    else byDevice.set(r.device, [r]);
  }
  for (const e of c.envelopes.values()) if (!byDevice.has(e.header.device)) byDevice.set(e.header.device, []);
  const range = c.header?.range;
  const complete = c.header?.scope === "full";
  const startsAtGenesis = complete && range !== undefined && range.fromIndex === 0 && range.from === null;
  const anchoredSize = chain.checkpoints.at(-1)?.treeSize ?? 0;
  let streams = 0;
  for (const [device, records] of byDevice) {
    const status = chain.devices.get(device);
    if (!status?.registered) {
      findings.add({ code: "DEVICE_NOT_REGISTERED", message: `device ${device} signs ${records.length} exported records but is not registered in LedgerAnchor`, device, expected: "registered", computed: "unknown to the contract" });
    }
    checkChainOfDevice(device, records, complete, startsAtGenesis, findings);
    streams += checkStreamsOfDevice(device, records, complete, startsAtGenesis, findings);
    for (const r of records) {
      checkRoleOfRecord(r, status, findings);
      const covering = firstCovering(chain.checkpoints, r.index);
      if (status?.revoked && (covering === -1 || covering >= status.revokedAtCheckpoint)) {
        findings.add({ code: "RECORD_AFTER_REVOCATION", message: `device ${device} seq ${r.seq}: ${covering === -1 ? "not yet anchored" : `first anchored at checkpoint ${covering}`}, but the device was revoked at checkpoint ${status.revokedAtCheckpoint}`,
          device, seq: r.seq, index: r.index, checkpoint: covering, expected: `< ${status.revokedAtCheckpoint}`, computed: covering });
      }
      if (r.index >= anchoredSize && opts.now - r.receivedAt > opts.slaMs) {
        findings.add({ code: "RECORD_UNANCHORED_PAST_SLA", message: `device ${device} seq ${r.seq} (leaf ${r.index}) is still unanchored ${Math.round((opts.now - r.receivedAt) / 1000)} s after it was received`,
          device, seq: r.seq, index: r.index, expected: `anchored within ${opts.slaMs / 1000} s`, computed: `${Math.round((opts.now - r.receivedAt) / 1000)} s` });
      }
    }
  }
  return { devices: byDevice.size, streams };
}
