// Anchored checkpoints as the service recorded them (anchors rows for this chain and contract; latest row wins).
import type pg from "pg";
import { hexToBytes } from "../db/bytes.ts";
import type { ChainConnection } from "../chain/connection.ts";

type Db = Pick<pg.Pool, "query">;
export type AnchoredCheckpoint = { index: number; treeSize: number; root: string; txHash: string; blockNumber: number; anchoredAt: string };
type Row = { idx: number; tree_size: number; root: Buffer; tx_hash: Buffer; block_number: number; confirmed_at: Date };

const SELECT = `SELECT c.idx, c.tree_size, c.root, a.tx_hash, a.block_number, a.confirmed_at
  FROM checkpoints c JOIN LATERAL (
    SELECT tx_hash, block_number, confirmed_at FROM anchors a
    WHERE a.checkpoint_idx = c.idx AND a.chain_id = $1 AND a.contract = $2 ORDER BY a.id DESC LIMIT 1) a ON TRUE`;

const toCheckpoint = (r: Row): AnchoredCheckpoint => ({
  index: Number(r.idx), treeSize: Number(r.tree_size), root: "0x" + r.root.toString("hex"), txHash: "0x" + r.tx_hash.toString("hex"),
  blockNumber: Number(r.block_number), anchoredAt: r.confirmed_at.toISOString(),
});

const scopeParams = (chain: ChainConnection) => [chain.chainId, hexToBytes(chain.contractAddress)];

export async function latestAnchored(db: Db, chain: ChainConnection): Promise<AnchoredCheckpoint | undefined> {
  const res = await db.query<Row>(`${SELECT} ORDER BY c.idx DESC LIMIT 1`, scopeParams(chain));
  return res.rows[0] === undefined ? undefined : toCheckpoint(res.rows[0]);
}

export async function anchoredBySize(db: Db, chain: ChainConnection, treeSize: number): Promise<AnchoredCheckpoint | undefined> {
  const res = await db.query<Row>(`${SELECT} WHERE c.tree_size = $3`, [...scopeParams(chain), treeSize]);
  return res.rows[0] === undefined ? undefined : toCheckpoint(res.rows[0]);
}

/** Anchored checkpoints with index > after, ascending. */
export async function listAnchored(db: Db, chain: ChainConnection, after: number, limit: number): Promise<AnchoredCheckpoint[]> {
  const res = await db.query<Row>(`${SELECT} WHERE c.idx > $3 ORDER BY c.idx LIMIT $4`, [...scopeParams(chain), after, limit]);
  return res.rows.map(toCheckpoint);
}

/** Index of the first local checkpoint covering leaf `index` (cut or still to be cut). */
export async function expectedCheckpointIndex(db: Db, index: number): Promise<number> {
  const res = await db.query<{ covering: number | null; count: number | null }>(
    "SELECT (SELECT min(idx) FROM checkpoints WHERE tree_size > $1) AS covering, (SELECT max(idx) + 1 FROM checkpoints) AS count", [index]);
  const r = res.rows[0]!;
  return r.covering ?? r.count ?? 0;
}
