/** Reading what the ledger stored for a device, and checking it against the chain. */
import { MerkleTree, recordHash, toHex32, type Record } from "../../core/index.ts";
import type { TestLedger } from "../helpers/ledger.ts";

export async function ledgerRecords(ledger: TestLedger, device: string): Promise<{ seq: number; hash: string; leafIndex: number; record: Record }[]> {
  const res = await ledger.ownerDb.query(
    "SELECT r.seq, r.hash, l.idx AS leaf_index, r.canonical FROM records r JOIN leaves l ON l.hash = r.hash WHERE r.device = $1 ORDER BY r.seq",
    [Buffer.from(device.slice(2), "hex")],
  );
  return res.rows.map((r: { seq: string; hash: Buffer; leaf_index: string; canonical: string }) => ({
    seq: Number(r.seq), hash: toHex32(r.hash), leafIndex: Number(r.leaf_index), record: JSON.parse(r.canonical) as Record,
  }));
}

/** Seqs where the stored chain breaks: not 1..n in order, a hash that is not the record's, or a prev that does not link. */
export function chainBreaks(rows: { seq: number; hash: string; record: Record }[]): number[] {
  return rows.filter((r, i) =>
    r.seq !== i + 1 || r.record.seq !== r.seq || recordHash(r.record) !== r.hash || r.record.prev !== (i === 0 ? null : rows[i - 1]!.hash),
  ).map((r) => r.seq);
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
