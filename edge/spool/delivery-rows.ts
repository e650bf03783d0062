// The delivery side of the spool, as queries over its tables: which records still go to the ledger, the
// receipts the ledger gave, which delivered records await the self-audit, and purging those it verified.
// The Spool calls these inside its own transactions; they keep no state of their own.
import type { DatabaseSync } from "node:sqlite";
import type { Hex32 } from "../../core/index.ts";
import type { SpoolStatements } from "./statements.ts";
import type { AwaitingAudit, SpooledRecord, StoredReceipt } from "./types.ts";

export function pendingRecords(st: SpoolStatements, limit: number, fromSeq: number): SpooledRecord[] {
  return (st.pending.all(fromSeq, limit) as { seq: number; hash: string; json: string; created_ms: number }[])
    .map((r) => ({ seq: r.seq, hash: r.hash as Hex32, json: r.json, createdMs: r.created_ms }));
}

export function receiptsFrom(db: DatabaseSync, fromSeq: number): StoredReceipt[] {
  return (db.prepare("SELECT first_seq, last_seq, received_ms, receipt FROM receipts WHERE last_seq >= ? ORDER BY first_seq").all(fromSeq) as { first_seq: number; last_seq: number; received_ms: number; receipt: string }[])
    .map((r) => ({ firstSeq: r.first_seq, lastSeq: r.last_seq, receivedAt: new Date(r.received_ms).toISOString(), receipt: JSON.parse(r.receipt) as unknown }));
}

/** Sent records from `fromSeq` on become pending again, and their receipts go; returns how many. */
export function resetToPending(db: DatabaseSync, fromSeq: number): number {
  db.prepare("DELETE FROM receipts WHERE last_seq >= ?").run(fromSeq);
  return Number(db.prepare("UPDATE records SET state = 0, sent_ms = NULL WHERE seq >= ? AND state = 1").run(fromSeq).changes);
}

export function awaitingAudit(db: DatabaseSync, limit: number): AwaitingAudit[] {
  return (db.prepare(`SELECT r.seq, r.hash, r.json, r.sent_ms, c.first_seq, c.last_seq FROM records r
    LEFT JOIN receipts c ON c.first_seq = (SELECT max(first_seq) FROM receipts WHERE first_seq <= r.seq) AND c.last_seq >= r.seq
    WHERE r.state = 1 ORDER BY r.seq LIMIT ?`).all(limit) as { seq: number; hash: string; json: string; sent_ms: number; first_seq: number | null; last_seq: number | null }[])
    .map((r) => ({ seq: r.seq, hash: r.hash as Hex32, json: r.json, sentMs: r.sent_ms, envelope: r.first_seq === null ? null : { firstSeq: r.first_seq, lastSeq: r.last_seq! } }));
}

export function lastAnchoredSeq(db: DatabaseSync): number {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'last_anchored_seq'").get() as { value: string } | undefined;
  return Number(row?.value ?? 0);
}

/**
 * Deletes verified records (inside the caller's transaction) and moves the anchored watermark; returns the
 * bytes freed. The watermark is not the largest purged seq: records leave the spool only once verified (or, with
 * keep-newest on a full disk, evicted: counted in evictedUnaudited and alarmed), so everything below the oldest
 * record still held has been dealt with. A record kept after a failed proof holds the watermark back.
 */
export function purgeVerified(db: DatabaseSync, st: SpoolStatements, seqs: readonly number[], lastSeq: number): number {
  const del = db.prepare("DELETE FROM records WHERE seq = ? AND state = 1 RETURNING bytes");
  let freed = 0;
  for (const seq of seqs) freed += (del.get(seq) as { bytes: number } | undefined)?.bytes ?? 0;
  const oldest = (db.prepare("SELECT min(seq) AS seq FROM records").get() as { seq: number | null }).seq;
  const watermark = oldest === null ? lastSeq : oldest - 1;
  if (watermark > lastAnchoredSeq(db)) st.setMeta.run("last_anchored_seq", String(watermark));
  db.prepare("DELETE FROM receipts WHERE last_seq < coalesce((SELECT min(seq) FROM records), ?)").run(lastSeq + 1);
  return freed;
}

export function hashOf(db: DatabaseSync, seq: number): Hex32 | undefined {
  return (db.prepare("SELECT hash FROM records WHERE seq = ?").get(seq) as { hash: string } | undefined)?.hash as Hex32 | undefined;
}

/**
 * keep-newest on a full spool: deletes the oldest sent records until `excess` bytes are freed (or none are left
 * to evict), with their receipts; returns how many records and bytes went and the last evicted seq.
 */
export function evictOldestSent(db: DatabaseSync, excess: number): { count: number; freed: number; through: number } {
  const rows = db.prepare("SELECT seq, bytes FROM records WHERE state = 1 ORDER BY seq").iterate() as Iterable<{ seq: number; bytes: number }>;
  let freed = 0, through = 0, count = 0;
  for (const row of rows) {
    if (freed >= excess) break;
    freed += row.bytes;
    through = row.seq;
    count++;
  }
  if (count > 0) {
    db.prepare("DELETE FROM records WHERE state = 1 AND seq <= ?").run(through);
    db.prepare("DELETE FROM receipts WHERE last_seq <= ?").run(through);
  }
  return { count, freed, through };
}
