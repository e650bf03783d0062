/**
 * Crash-safe spool: records are sealed (seq, prev, hash) and inserted in one transaction, so the chain state
 * on disk always matches the last committed record and a restart continues it with no reused seq and no gap.
 *
 * Life of a record: pending → sent (receipt from the ledger) → purged (inclusion in an anchored checkpoint
 * verified by the self-audit). Pending records are never dropped: each is a signed-over chain link, and losing
 * one would break the chain for every later record.
 *
 * Full policy (cap on stored record bytes), never silent:
 *  - keep-oldest: new readings are refused (never sealed, so the chain stays whole) and counted;
 *  - keep-newest: first evicts the oldest *sent* records (already safe at the ledger; only their local
 *    self-audit is forfeited), then refuses new readings like keep-oldest.
 * Events are still admitted up to 5% over the cap. Every refusal raises an alarm, and when readings are admitted
 * again an `outage` event record states how many readings were lost and when.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { canonicalString, leafHash, toHex32, toTimestamp, type EventBody, type Hex32, type Record } from "../../core/index.ts";
import { migrate, RecordState } from "./schema.ts";
import { SpoolError, type AwaitingAudit, type RecordDraft, type SpooledRecord, type SpoolOptions, type SpoolStats, type StoredReceipt } from "./types.ts";

export type { AwaitingAudit, RecordDraft, SpoolAlarm, SpoolOptions, SpooledRecord, SpoolStats, StoredReceipt } from "./types.ts";
export { SpoolError } from "./types.ts";

export class Spool {
  readonly file: string;
  private readonly db: DatabaseSync;
  private readonly opts: Required<Omit<SpoolOptions, "onAlarm">> & Pick<SpoolOptions, "onAlarm">;
  private lastSeq = 0;
  private lastHash: Hex32 | null = null;
  private bytes = 0;
  private refusal: { count: number; firstTs: string; lastTs: string } | null = null;
  private refusedTotal = 0;
  private evictedTotal = 0;
  private readonly st: { [k: string]: StatementSync };

  constructor(dir: string, options: SpoolOptions) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, "spool.sqlite");
    this.db = new DatabaseSync(this.file);
    migrate(this.db, options.synchronous);
    this.opts = { now: Date.now, synchronous: "FULL", ...options, device: options.device.toLowerCase() };
    const chain = this.db.prepare("SELECT device, last_seq, last_hash FROM chain WHERE id = 1").get() as
      | { device: string; last_seq: number; last_hash: string | null } | undefined;
    if (chain) {
      if (chain.device !== this.opts.device) {
        this.db.close();
        throw new SpoolError("spool_device_mismatch", `spool ${this.file} belongs to device ${chain.device}, not ${this.opts.device}`);
      }
      this.lastSeq = chain.last_seq;
      this.lastHash = chain.last_hash;
    }
    this.bytes = Number((this.db.prepare("SELECT coalesce(sum(bytes), 0) AS b FROM records").get() as { b: number }).b);
    this.refusedTotal = Number(this.meta("refused_total") ?? 0);
    this.evictedTotal = Number(this.meta("evicted_total") ?? 0);
    const pendingRefusal = this.meta("refusal");
    if (pendingRefusal) this.refusal = JSON.parse(pendingRefusal);
    this.st = {
      insert: this.db.prepare("INSERT INTO records (seq, hash, json, kind, state, created_ms, bytes) VALUES (?, ?, ?, ?, 0, ?, ?)"),
      chain: this.db.prepare("INSERT INTO chain (id, device, last_seq, last_hash) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash"),
      pending: this.db.prepare("SELECT seq, hash, json, created_ms FROM records WHERE state = 0 AND seq >= ? ORDER BY seq LIMIT ?"),
      markSent: this.db.prepare("UPDATE records SET state = 1, sent_ms = ? WHERE seq BETWEEN ? AND ? AND state = 0"),
      receipt: this.db.prepare("INSERT OR REPLACE INTO receipts (first_seq, last_seq, received_ms, receipt) VALUES (?, ?, ?, ?)"),
      setMeta: this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      delMeta: this.db.prepare("DELETE FROM meta WHERE key = ?"),
    };
  }

  private meta(key: string): string | undefined {
    return (this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value;
  }

  private tx<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  /** Evicts the oldest sent records until `need` more bytes fit; returns whether they fit. */
  private makeRoom(need: number): boolean {
    if (this.bytes + need <= this.opts.maxBytes) return true;
    if (this.opts.whenFull !== "keep-newest") return false;
    const rows = this.db.prepare("SELECT seq, bytes FROM records WHERE state = 1 ORDER BY seq").iterate() as Iterable<{ seq: number; bytes: number }>;
    let freed = 0;
    let through = 0;
    let count = 0;
    for (const row of rows) {
      if (this.bytes - freed + need <= this.opts.maxBytes) break;
      freed += row.bytes;
      through = row.seq;
      count++;
    }
    if (count === 0) return false;
    this.db.prepare("DELETE FROM records WHERE state = 1 AND seq <= ?").run(through);
    this.db.prepare("DELETE FROM receipts WHERE last_seq <= ?").run(through);
    this.bytes -= freed;
    this.evictedTotal += count;
    this.st.setMeta!.run("evicted_total", String(this.evictedTotal));
    this.opts.onAlarm?.({ code: "spool_evicted_unaudited", message: `spool full: evicted ${count} delivered records up to seq ${through} before their anchoring was verified` });
    return this.bytes + need <= this.opts.maxBytes;
  }

  private seal(draft: RecordDraft): { record: Record; json: string; hash: Hex32 } {
    const seq = this.lastSeq + 1;
    const record = { v: 1, device: this.opts.device, seq, prev: this.lastHash, ts: draft.ts, kind: draft.kind, body: draft.body } as Record;
    const json = canonicalString(record);
    const hash = toHex32(leafHash(Buffer.from(json, "utf8")));
    return { record, json, hash };
  }

  private insert(draft: RecordDraft, nowMs: number): Record {
    const { record, json, hash } = this.seal(draft);
    const bytes = Buffer.byteLength(json);
    this.st.insert!.run(record.seq, hash, json, record.kind, nowMs, bytes);
    this.lastSeq = record.seq;
    this.lastHash = hash;
    this.bytes += bytes;
    return record;
  }

  /**
   * Seals and durably stores drafts in one transaction. Returns the records produced; readings refused by the
   * full policy are counted (and alarmed), never silently lost.
   */
  append(drafts: readonly RecordDraft[]): { records: Record[]; refused: number } {
    if (drafts.length === 0) return { records: [], refused: 0 };
    const nowMs = this.opts.now();
    const saved = { lastSeq: this.lastSeq, lastHash: this.lastHash, bytes: this.bytes };
    try {
      return this.tx(() => {
        const records: Record[] = [];
        let refused = 0;
        for (const draft of drafts) {
          const isEvent = draft.kind === "event";
          // sizing costs a serialization: only near the cap (no record comes close to 64 KiB)
          const estimate = this.bytes + 65_536 < this.opts.maxBytes ? 0 : JSON.stringify(draft.body).length + 200;
          const fits = estimate === 0 || this.makeRoom(estimate) || (isEvent && this.bytes + estimate <= this.opts.maxBytes * 1.05);
          if (!fits) {
            refused++;
            this.refusal = this.refusal ? { ...this.refusal, count: this.refusal.count + 1, lastTs: draft.ts } : { count: 1, firstTs: draft.ts, lastTs: draft.ts };
            continue;
          }
          if (this.refusal && !isEvent) {
            const r = this.refusal;
            records.push(this.insert({ kind: "event", ts: draft.ts, body: {
              type: "outage", asset: null, workOrder: null, actor: null,
              text: `edge spool full: ${r.count} readings not recorded between ${r.firstTs} and ${r.lastTs}`,
            } }, nowMs));
            this.refusal = null;
            this.st.delMeta!.run("refusal");
          }
          records.push(this.insert(draft, nowMs));
        }
        if (records.length > 0) this.st.chain!.run(this.opts.device, this.lastSeq, this.lastHash);
        if (refused > 0) {
          this.refusedTotal += refused;
          this.st.setMeta!.run("refused_total", String(this.refusedTotal));
          this.st.setMeta!.run("refusal", JSON.stringify(this.refusal));
        }
        return { records, refused };
      });
    } catch (err) {
      Object.assign(this, saved);
      throw err;
    } finally {
      // alarm outside the transaction so a listener cannot hold the write lock
      if (this.refusal && this.refusal.count > 0 && drafts.length > 0) {
        this.opts.onAlarm?.({ code: "spool_full", message: `spool full (${this.bytes} of ${this.opts.maxBytes} bytes): ${this.refusal.count} readings refused since ${this.refusal.firstTs}` });
      }
    }
  }

  /** Convenience for a single event (manual entry, outage). */
  appendEvent(body: EventBody, at: Date): Record | undefined {
    return this.append([{ kind: "event", ts: toTimestamp(at), body }]).records[0];
  }

  /** Oldest pending records from `fromSeq`, in seq order. */
  pending(limit: number, fromSeq = 0): SpooledRecord[] {
    return (this.st.pending!.all(fromSeq, limit) as { seq: number; hash: string; json: string; created_ms: number }[])
      .map((r) => ({ seq: r.seq, hash: r.hash, json: r.json, createdMs: r.created_ms }));
  }

  /** Records firstSeq..lastSeq were acknowledged; the receipt is stored once for the range. */
  markSent(firstSeq: number, lastSeq: number, receipt: unknown): void {
    const now = this.opts.now();
    this.tx(() => {
      this.st.markSent!.run(now, firstSeq, lastSeq);
      this.st.receipt!.run(firstSeq, lastSeq, now, JSON.stringify(receipt ?? null));
    });
  }

  /** Receipts of acknowledged envelopes that hold records from `fromSeq` on: the ledger's word that it stored them. */
  receiptsFrom(fromSeq: number): StoredReceipt[] {
    return (this.db.prepare("SELECT first_seq, last_seq, received_ms, receipt FROM receipts WHERE last_seq >= ? ORDER BY first_seq").all(fromSeq) as { first_seq: number; last_seq: number; received_ms: number; receipt: string }[])
      .map((r) => ({ firstSeq: r.first_seq, lastSeq: r.last_seq, receivedAt: new Date(r.received_ms).toISOString(), receipt: JSON.parse(r.receipt) as unknown }));
  }

  /** The ledger lacks records from `seq` on (e.g. after a 409): send them again if we still hold them. */
  resetToPending(fromSeq: number): number {
    this.db.prepare("DELETE FROM receipts WHERE last_seq >= ?").run(fromSeq);
    return Number(this.db.prepare("UPDATE records SET state = 0, sent_ms = NULL WHERE seq >= ? AND state = 1").run(fromSeq).changes);
  }

  /** Delivered records whose anchoring is not yet verified, oldest first, with the acknowledged envelope holding each. */
  awaitingAudit(limit: number): AwaitingAudit[] {
    return (this.db.prepare(`SELECT r.seq, r.hash, r.json, r.sent_ms, c.first_seq, c.last_seq FROM records r
      LEFT JOIN receipts c ON c.first_seq = (SELECT max(first_seq) FROM receipts WHERE first_seq <= r.seq) AND c.last_seq >= r.seq
      WHERE r.state = 1 ORDER BY r.seq LIMIT ?`).all(limit) as { seq: number; hash: string; json: string; sent_ms: number; first_seq: number | null; last_seq: number | null }[])
      .map((r) => ({ seq: r.seq, hash: r.hash, json: r.json, sentMs: r.sent_ms, envelope: r.first_seq === null ? null : { firstSeq: r.first_seq, lastSeq: r.last_seq! } }));
  }

  /** Purges records whose inclusion in an anchored checkpoint was verified. */
  purgeVerified(seqs: readonly number[]): void {
    if (seqs.length === 0) return;
    this.tx(() => {
      const del = this.db.prepare("DELETE FROM records WHERE seq = ? AND state = 1 RETURNING bytes");
      for (const seq of seqs) {
        const row = del.get(seq) as { bytes: number } | undefined;
        if (row) this.bytes -= row.bytes;
      }
      // A watermark, not the largest purged seq: records leave the spool only once verified (or, with keep-newest
      // on a full disk, evicted: counted in evictedUnaudited and alarmed), so everything below the oldest record
      // still held has been dealt with. A record kept after a failed proof holds the watermark back.
      const oldest = (this.db.prepare("SELECT min(seq) AS seq FROM records").get() as { seq: number | null }).seq;
      const watermark = oldest === null ? this.lastSeq : oldest - 1;
      if (watermark > this.lastAnchoredSeq()) this.st.setMeta!.run("last_anchored_seq", String(watermark));
      // receipts whose records are all gone
      this.db.prepare("DELETE FROM receipts WHERE last_seq < coalesce((SELECT min(seq) FROM records), ?)").run(this.lastSeq + 1);
    });
  }

  hashOf(seq: number): Hex32 | undefined {
    return (this.db.prepare("SELECT hash FROM records WHERE seq = ?").get(seq) as { hash: string } | undefined)?.hash;
  }

  lastAnchoredSeq(): number {
    return Number(this.meta("last_anchored_seq") ?? 0);
  }

  head(): { lastSeq: number; lastHash: Hex32 | null } {
    return { lastSeq: this.lastSeq, lastHash: this.lastHash };
  }

  stats(): SpoolStats {
    const counts = this.db.prepare("SELECT state, count(*) AS n, min(created_ms) AS oldest FROM records GROUP BY state").all() as { state: number; n: number; oldest: number }[];
    const pending = counts.find((c) => c.state === RecordState.pending);
    return {
      pending: pending?.n ?? 0,
      sent: counts.find((c) => c.state === RecordState.sent)?.n ?? 0,
      bytes: this.bytes,
      lastSeq: this.lastSeq,
      lastHash: this.lastHash,
      oldestPendingAt: pending ? new Date(pending.oldest).toISOString() : null,
      oldestPendingAgeMs: pending ? Math.max(0, this.opts.now() - pending.oldest) : null,
      refusedReadings: this.refusedTotal,
      evictedUnaudited: this.evictedTotal,
      lastAnchoredSeq: this.lastAnchoredSeq(),
    };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
