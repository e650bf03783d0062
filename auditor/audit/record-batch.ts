// Record outcomes packed for the trip from a worker to the main thread: hashes and numbers in two transferable
// typed arrays, strings in one flat array, findings, readings and erasure claims only where there are any.
// Cloning 512 small objects per batch cost the main thread more than hashing them did.
import { KINDS } from "../../core/index.ts";
import type { Finding } from "./findings.ts";
import { ENTRY_OPENINGS, type ErasureClaim, type ReadingPoint, type RecordOutcome } from "./record-line.ts";

const NUMS = 8; // index, seq, receivedAt, streamSeq, from, to, kind, openings
const STRS = 6; // device, prev, envelope, stream, streamPrev, streamName

export type PackedRecords = {
  count: number;
  /** 1 where the line gave a record entry. */
  present: Uint8Array;
  /** 32 bytes per record. */
  hashes: Uint8Array;
  /** NUMS numbers per record; kind and openings as indices into KINDS and ENTRY_OPENINGS. */
  nums: Float64Array;
  /** STRS strings per record (null: prev at seq 1, streamPrev at streamSeq 1, a record without stream name). */
  strs: (string | null)[];
  extras: [position: number, findings: Finding[], readings: ReadingPoint[] | null, erasure: ErasureClaim | null][];
};

export function packOutcomes(outcomes: readonly RecordOutcome[]): PackedRecords {
  const n = outcomes.length;
  const p: PackedRecords = { count: n, present: new Uint8Array(n), hashes: new Uint8Array(n * 32), nums: new Float64Array(n * NUMS), strs: new Array(n * STRS).fill(null), extras: [] };
  outcomes.forEach((o, i) => {
    if (o.findings.length > 0 || o.readings || o.erasure) p.extras.push([i, o.findings, o.readings, o.erasure]);
    const e = o.entry;
    if (!e) return;
    p.present[i] = 1;
    p.hashes.set(e.hash, i * 32);
    p.nums.set([e.index, e.seq, e.receivedAt, e.streamSeq, e.from, e.to, KINDS.indexOf(e.kind), ENTRY_OPENINGS.indexOf(e.openings)], i * NUMS);
    const s = i * STRS;
    p.strs[s] = e.device; p.strs[s + 1] = e.prev; p.strs[s + 2] = e.envelope;
    p.strs[s + 3] = e.stream; p.strs[s + 4] = e.streamPrev; p.strs[s + 5] = e.streamName;
  });
  return p;
}

export function unpackOutcomes(p: PackedRecords): RecordOutcome[] {
  const hashes = Buffer.from(p.hashes.buffer, p.hashes.byteOffset, p.hashes.byteLength);
  const out: RecordOutcome[] = new Array(p.count);
  for (let i = 0; i < p.count; i++) {
    const m = i * NUMS, s = i * STRS, num = (k: number) => p.nums[m + k]!;
    out[i] = {
      findings: [], readings: null, erasure: null,
      entry: p.present[i] ? {
        index: num(0), seq: num(1), receivedAt: num(2), streamSeq: num(3), from: num(4), to: num(5),
        kind: KINDS[num(6)]!, openings: ENTRY_OPENINGS[num(7)]!, hash: hashes.subarray(i * 32, i * 32 + 32),
        device: p.strs[s]!, prev: p.strs[s + 1] ?? null, envelope: p.strs[s + 2]!,
        stream: p.strs[s + 3]!, streamPrev: p.strs[s + 4] ?? null, streamName: p.strs[s + 5] ?? null,
      } : null,
    };
  }
  for (const [i, findings, readings, erasure] of p.extras) out[i] = { ...out[i]!, findings, readings, erasure };
  return out;
}
