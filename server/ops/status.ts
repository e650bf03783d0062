// Service status for /readyz and the metrics: database, chain and how far anchoring lags behind the log.
import type pg from "pg";
import type { ChainConnection } from "../chain/connection.ts";
import { hexToBytes } from "../db/bytes.ts";
import { LOG_SIZE_SQL } from "../log/leaf-store.ts";

export type AnchoringStatus = {
  logSize: number;
  checkpoints: number;
  checkpointedSize: number;
  anchoredCheckpoints: number;
  anchoredSize: number;
  lagLeaves: number;
  /** Age of the oldest checkpoint not yet anchored (0 if none waits). */
  lagSeconds: number;
};

export async function anchoringStatus(db: pg.Pool, chain: ChainConnection, now = Date.now()): Promise<AnchoringStatus> {
  const res = await db.query<{ log_size: number; checkpoints: number; checkpointed_size: number; anchored: number; anchored_size: number; oldest_unanchored: Date | null }>(
    `WITH a AS (SELECT coalesce(max(checkpoint_idx) + 1, 0) AS n FROM anchors WHERE chain_id = $1 AND contract = $2)
     SELECT (${LOG_SIZE_SQL}) AS log_size,
            (SELECT coalesce(max(idx) + 1, 0) FROM checkpoints) AS checkpoints,
            (SELECT coalesce(max(tree_size), 0) FROM checkpoints) AS checkpointed_size,
            a.n AS anchored,
            coalesce((SELECT tree_size FROM checkpoints WHERE idx = a.n - 1), 0) AS anchored_size,
            (SELECT created_at FROM checkpoints WHERE idx = a.n) AS oldest_unanchored
     FROM a`,
    [chain.chainId, hexToBytes(chain.contractAddress)],
  );
  const r = res.rows[0]!;
  return {
    logSize: r.log_size, checkpoints: r.checkpoints, checkpointedSize: r.checkpointed_size,
    anchoredCheckpoints: r.anchored, anchoredSize: r.anchored_size, lagLeaves: r.log_size - r.anchored_size,
    lagSeconds: r.oldest_unanchored === null ? 0 : Math.max(0, (now - r.oldest_unanchored.getTime()) / 1000),
  };
}

/** Block height if the node answers within timeoutMs. */
export async function chainHead(chain: ChainConnection, timeoutMs = 2000): Promise<{ ok: true; block: number } | { ok: false; error: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const block = await Promise.race([
      chain.provider.getBlockNumber(),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); }),
    ]);
    return { ok: true, block };
  } catch (err) {
    return { ok: false, error: (err as Error).message.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}
