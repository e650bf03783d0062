/**
 * Chain-vs-database audit for anchoring tests: every local checkpoint is on-chain at the same index with the
 * same (treeSize, root), nothing more, nothing less, and each is confirmed by a CheckpointAnchored event.
 *
 *   const audit = await auditAnchors(ledger.ownerDb, chain);  // { local, onChain, mismatches: [...] }
 */
import type pg from "pg";
import type { TestChain } from "./chain.ts";

export async function auditAnchors(db: pg.Pool, chain: TestChain): Promise<{ local: number; onChain: number; events: number; mismatches: string[] }> {
  const local = (await db.query("SELECT idx, tree_size, encode(root, 'hex') AS root FROM checkpoints ORDER BY idx")).rows as { idx: number; tree_size: number; root: string }[];
  const onChain = await chain.checkpointCount();
  const mismatches: string[] = [];
  for (let i = 0; i < Math.min(onChain, local.length); i++) {
    const c = await chain.ledger.getFunction("checkpointAt")(i);
    if (Number(c.treeSize) !== Number(local[i]!.tree_size) || String(c.root) !== "0x" + local[i]!.root) mismatches.push(`checkpoint ${i}: chain (${c.treeSize}, ${c.root}) local (${local[i]!.tree_size}, 0x${local[i]!.root})`);
  }
  const events = await chain.ledger.queryFilter(chain.ledger.filters.CheckpointAnchored!(), 0, "latest");
  return { local: local.length, onChain, events: events.length, mismatches };
}
