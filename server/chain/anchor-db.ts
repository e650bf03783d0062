// The anchorer's rows: local checkpoints, sent transactions (written before broadcast) and confirmed anchors.
import type pg from "pg";
import { hexToBytes } from "../db/bytes.ts";

type Db = Pick<pg.Pool, "query">;

export type LocalCheckpoint = { idx: number; treeSize: number; root: string };
export type SentTx = { txHash: string; nonce: number; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
export type Scope = { chainId: number; contract: string };

export async function checkpointCount(db: Db): Promise<number> {
  const res = await db.query<{ n: number | null }>("SELECT max(idx) + 1 AS n FROM checkpoints");
  return res.rows[0]?.n ?? 0;
}

export async function checkpointAt(db: Db, idx: number): Promise<LocalCheckpoint | undefined> {
  const res = await db.query<{ tree_size: number; root: Buffer }>("SELECT tree_size, root FROM checkpoints WHERE idx = $1", [idx]);
  const r = res.rows[0];
  return r === undefined ? undefined : { idx, treeSize: r.tree_size, root: "0x" + r.root.toString("hex") };
}

/** Number of checkpoints whose latest anchor row (for this chain and contract) exists: anchored as far as we recorded. */
export async function recordedAnchorCount(db: Db, scope: Scope): Promise<number> {
  const res = await db.query<{ n: number | null }>("SELECT max(checkpoint_idx) + 1 AS n FROM anchors WHERE chain_id = $1 AND contract = $2", [scope.chainId, hexToBytes(scope.contract)]);
  return res.rows[0]?.n ?? 0;
}

export async function recordSentTx(db: Db, scope: Scope, checkpointIdx: number, sender: string, tx: SentTx): Promise<void> {
  await db.query(
    `INSERT INTO anchor_txs (checkpoint_idx, chain_id, contract, sender, nonce, tx_hash, max_fee_per_gas, max_priority_fee_per_gas)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tx_hash) DO NOTHING`,
    [checkpointIdx, scope.chainId, hexToBytes(scope.contract), hexToBytes(sender), tx.nonce, hexToBytes(tx.txHash), tx.maxFeePerGas.toString(), tx.maxPriorityFeePerGas.toString()],
  );
}

/** Our transactions for a checkpoint, newest first. */
export async function sentTxs(db: Db, scope: Scope, checkpointIdx: number): Promise<SentTx[]> {
  const res = await db.query<{ tx_hash: Buffer; nonce: number; max_fee_per_gas: string; max_priority_fee_per_gas: string }>(
    "SELECT tx_hash, nonce, max_fee_per_gas, max_priority_fee_per_gas FROM anchor_txs WHERE checkpoint_idx = $1 AND chain_id = $2 AND contract = $3 ORDER BY id DESC",
    [checkpointIdx, scope.chainId, hexToBytes(scope.contract)],
  );
  return res.rows.map((r) => ({ txHash: "0x" + r.tx_hash.toString("hex"), nonce: r.nonce, maxFeePerGas: BigInt(r.max_fee_per_gas), maxPriorityFeePerGas: BigInt(r.max_priority_fee_per_gas) }));
}

export async function recordAnchor(db: Db, scope: Scope, checkpointIdx: number, txHash: string, blockNumber: number, blockHash: string): Promise<void> {
  await db.query(
    "INSERT INTO anchors (checkpoint_idx, chain_id, contract, tx_hash, block_number, block_hash) VALUES ($1, $2, $3, $4, $5, $6)",
    [checkpointIdx, scope.chainId, hexToBytes(scope.contract), hexToBytes(txHash), blockNumber, hexToBytes(blockHash)],
  );
}
