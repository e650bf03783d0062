// The integrator (leader only): folds committed leaves into the RFC 9162 tree, stores every completed perfect
// subtree of level >= STORED_FROM_LEVEL (lower ones are rebuilt from leaves on demand, merkle-store.ts), and cuts
// a checkpoint every intervalMs or maxLeaves new leaves, whichever comes first.
// Ingest already sequenced the records in commit order (contiguous leaf indexes, leaf-store.ts); the integrator
// only hashes upward.
// Progress is the last checkpoint: after a restart it resumes from that checkpoint's frontier and re-inserts
// nodes idempotently (ON CONFLICT DO NOTHING: inserts only, the tables are append-only).
import type pg from "pg";
import { CompactRange, type Subtree } from "../../core/index.ts";
import { leafRange } from "./leaf-store.ts";
import { fetchSubtrees, STORED_FROM_LEVEL } from "./merkle-store.ts";

export type IntegratorOptions = { intervalMs: number; maxLeaves: number; batchLeaves?: number };
export type CheckpointRow = { idx: number; treeSize: number; root: Buffer; createdAt: Date };

export class Integrator {
  readonly #pool: pg.Pool;
  readonly #opts: Required<IntegratorOptions>;
  #range: CompactRange | undefined;
  #last: CheckpointRow | undefined;

  constructor(pool: pg.Pool, options: IntegratorOptions) {
    this.#pool = pool;
    this.#opts = { batchLeaves: 8192, ...options };
  }

  get integratedSize(): number {
    return this.#range?.size ?? 0;
  }

  /** Loads the last checkpoint and its frontier. */
  async resume(): Promise<void> {
    this.#last = await lastCheckpoint(this.#pool);
    const size = this.#last?.treeSize ?? 0;
    const ids = CompactRange.frontierIds(size);
    const stored = await fetchSubtrees(this.#pool, ids);
    this.#range = CompactRange.fromFrontier(size, ids.map((id) => stored.get(`${id.level}:${id.index}`) ?? Buffer.alloc(0)));
  }

  /** One round: integrate what is committed (up to the next size-triggered cut), maybe cut a checkpoint. */
  async step(now = new Date()): Promise<{ integrated: number; checkpoint?: CheckpointRow }> {
    if (this.#range === undefined) await this.resume();
    const range = this.#range!;
    const lastSize = this.#last?.treeSize ?? 0;
    const room = lastSize + this.#opts.maxLeaves - range.size;
    const leaves = { rows: room > 0 ? await leafRange(this.#pool, range.size, range.size + Math.min(room, this.#opts.batchLeaves)) : [] };
    const completed: Subtree[] = [];
    for (const leaf of leaves.rows) {
      if (leaf.idx !== range.size) throw new Error(`leaf ${leaf.idx} follows ${range.size - 1}: the log has a hole`);
      for (const s of range.append(leaf.hash)) if (s.level >= STORED_FROM_LEVEL) completed.push(s);
    }
    const pending = range.size - lastSize;
    const due = pending >= this.#opts.maxLeaves || (pending > 0 && now.getTime() - (this.#last?.createdAt.getTime() ?? 0) >= this.#opts.intervalMs);
    const checkpoint = completed.length > 0 || due ? await this.#persist(completed, due ? range : undefined, now) : undefined;
    return checkpoint === undefined ? { integrated: leaves.rows.length } : { integrated: leaves.rows.length, checkpoint };
  }

  async #persist(nodes: Subtree[], cut: CompactRange | undefined, now: Date): Promise<CheckpointRow | undefined> {
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      if (nodes.length > 0) {
        await client.query(
          "INSERT INTO merkle_nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[]) ON CONFLICT DO NOTHING",
          [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => n.hash)],
        );
      }
      if (cut !== undefined) {
        const row: CheckpointRow = { idx: (this.#last?.idx ?? -1) + 1, treeSize: cut.size, root: cut.root(), createdAt: now };
        await client.query("INSERT INTO checkpoints (idx, tree_size, root, created_at) VALUES ($1, $2, $3, $4)", [row.idx, row.treeSize, row.root, row.createdAt]);
        await client.query("COMMIT");
        this.#last = row;
        return row;
      }
      await client.query("COMMIT");
      return undefined;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      this.#range = undefined; // resume from the stored state next time
      throw err;
    } finally {
      client.release();
    }
  }
}

export async function lastCheckpoint(db: Pick<pg.Pool, "query">): Promise<CheckpointRow | undefined> {
  const res = await db.query<{ idx: number; tree_size: number; root: Buffer; created_at: Date }>("SELECT idx, tree_size, root, created_at FROM checkpoints ORDER BY idx DESC LIMIT 1");
  const r = res.rows[0];
  return r === undefined ? undefined : { idx: r.idx, treeSize: r.tree_size, root: r.root, createdAt: r.created_at };
}
