/** Reading what the ledger stored for a device (v2 stored forms), and checking it against the chain. */
import { checkRecord, MerkleTree, recordHash, toHex32, type RecordOrStub } from "../../core/index.ts";
import { STORED_COLUMNS, storedRecord, type StoredColumns } from "../../server/api/stored-record.ts";
import type { TestLedger } from "../helpers/ledger.ts";

export type LedgerRow = { seq: number; hash: string; leafIndex: number; record: RecordOrStub };

/** The device's records in the stored v2 form the API serves (header JCS as hashed, plus the openings it holds), in seq order. */
export async function ledgerRecords(ledger: TestLedger, device: string): Promise<LedgerRow[]> {
  const res = await ledger.ownerDb.query(
    `SELECT r.seq, r.hash, l.idx AS leaf_index, ${STORED_COLUMNS} FROM records r JOIN leaves l ON l.hash = r.hash WHERE r.device = $1 ORDER BY r.seq`,
    [Buffer.from(device.slice(2), "hex")],
  );
  return res.rows.map((r: StoredColumns & { seq: string; hash: Buffer; leaf_index: string }) => ({
    seq: Number(r.seq), hash: toHex32(r.hash), leafIndex: Number(r.leaf_index), record: storedRecord(r),
  }));
}

/**
 * Seqs where the stored chains break: the device chain (seq 1..n in order, each `prev` the previous record's
 * hash), a stored hash that is not the header's, openings that do not open the header, or a stream chain (per
 * stream id: streamSeq 1, 2, …, each `streamPrev` the stream's previous record's hash, `from` not before its `to`).
 */
export function chainBreaks(rows: readonly { seq: number; hash: string; record: RecordOrStub }[]): number[] {
  const heads = new Map<string, { streamSeq: number; hash: string; to: string }>();
  const broken = (r: (typeof rows)[number], i: number): boolean => {
    const h = r.record.header;
    if (r.seq !== i + 1 || h.seq !== r.seq || recordHash(h) !== r.hash || h.prev !== (i === 0 ? null : rows[i - 1]!.hash)) return true;
    try { checkRecord(r.record); } catch { return true; }
    const head = heads.get(h.stream);
    heads.set(h.stream, { streamSeq: h.streamSeq, hash: r.hash, to: h.to });
    if (!head) return h.streamSeq !== 1 || h.streamPrev !== null;
    return h.streamSeq !== head.streamSeq + 1 || h.streamPrev !== head.hash || h.from < head.to;
  };
  return rows.filter(broken).map((r) => r.seq);
}

/** Root of the first `treeSize` leaves of the global log, rebuilt from the stored leaves with core's Merkle tree. */
export async function logRoot(ledger: TestLedger, treeSize: number): Promise<string> {
  const res = await ledger.ownerDb.query("SELECT hash FROM leaves WHERE idx < $1 ORDER BY idx", [treeSize]);
  return toHex32(MerkleTree.fromLeafHashes(res.rows.map((r: { hash: Buffer }) => r.hash)).root());
}

export async function onChainCheckpoint(ledger: TestLedger, index: number): Promise<{ treeSize: number; root: string }> {
  const c = await ledger.chain.ledger.getFunction("checkpointAt")(index);
  return { treeSize: Number(c.treeSize), root: String(c.root).toLowerCase() };
}
