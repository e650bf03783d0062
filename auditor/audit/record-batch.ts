// Record outcomes packed for the trip from a worker to the main thread: hashes and numbers in two transferable
// typed arrays, strings in one flat array, findings and readings only where there are any. Cloning 512 small
// objects per batch cost the main thread more than hashing them did.
import type { Finding } from "./findings.ts";
import type { ReadingPoint, RecordOutcome } from "./record-line.ts";

export type PackedRecords = {
  count: number;
  /** 1 where the line gave a record entry. */
  present: Uint8Array;
  /** 32 bytes per record. */
  hashes: Uint8Array;
  /** index, seq, receivedAt per record. */
  nums: Float64Array;
  /** device, prev (null at seq 1), envelope per record. */
  strs: (string | null)[];
  extras: [position: number, findings: Finding[], reading: ReadingPoint | null][];
};

export function packOutcomes(outcomes: readonly RecordOutcome[]): PackedRecords {
  const n = outcomes.length;
  const p: PackedRecords = { count: n, present: new Uint8Array(n), hashes: new Uint8Array(n * 32), nums: new Float64Array(n * 3), strs: new Array(n * 3).fill(null), extras: [] };
  outcomes.forEach((o, i) => {
    if (o.findings.length > 0 || o.reading) p.extras.push([i, o.findings, o.reading]);
    const e = o.entry;
    if (!e) return;
    p.present[i] = 1;
    p.hashes.set(e.hash, i * 32);
    p.nums[i * 3] = e.index;
    p.nums[i * 3 + 1] = e.seq;
    p.nums[i * 3 + 2] = e.receivedAt;
    p.strs[i * 3] = e.device;
    p.strs[i * 3 + 1] = e.prev;
    p.strs[i * 3 + 2] = e.envelope;
  });
  return p;
}

export function unpackOutcomes(p: PackedRecords): RecordOutcome[] {
  const hashes = Buffer.from(p.hashes.buffer, p.hashes.byteOffset, p.hashes.byteLength);
  const out: RecordOutcome[] = new Array(p.count);
  for (let i = 0; i < p.count; i++) {
    out[i] = {
      findings: [], reading: null,
      entry: p.present[i] ? {
        index: p.nums[i * 3]!, seq: p.nums[i * 3 + 1]!, receivedAt: p.nums[i * 3 + 2]!, hash: hashes.subarray(i * 32, i * 32 + 32),
        device: p.strs[i * 3]!, prev: p.strs[i * 3 + 1] ?? null, envelope: p.strs[i * 3 + 2]!,
      } : null,
    };
  }
  for (const [i, findings, reading] of p.extras) out[i] = { ...out[i]!, findings, reading };
  return out;
}
