/**
 * Persistent alarms, kept in the spool database next to the records they concern: an alarm whose evidence
 * matters (the ledger's own receipts for records it later lost) survives restarts and is visible to
 * `otledger edge status` while the agent is down. Its own connection, so it works without the Spool (offline).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { migrateAlarms } from "./schema.ts";

export interface StoredAlarm {
  key: string;
  code: string;
  message: string;
  at: string;
  seq?: number;
  evidence?: unknown;
}

export class AlarmStore {
  private readonly db: DatabaseSync;

  constructor(spoolDir: string) {
    this.db = new DatabaseSync(join(spoolDir, "spool.sqlite"));
    this.db.exec("PRAGMA busy_timeout = 5000");
    migrateAlarms(this.db);
  }

  /** Alarms of a spool that may not exist yet (offline status): none when it does not. */
  static readIfPresent(spoolDir: string): StoredAlarm[] {
    if (!existsSync(join(spoolDir, "spool.sqlite"))) return [];
    const store = new AlarmStore(spoolDir);
    try { return store.load(); } finally { store.close(); }
  }

  /** Stores an alarm once per key (durable before it returns); a repeat of the same key keeps the first. */
  save(alarm: StoredAlarm): void {
    this.db.prepare("INSERT INTO alarms (key, code, message, raised_ms, seq, evidence) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING")
      .run(alarm.key, alarm.code, alarm.message, Date.parse(alarm.at), alarm.seq ?? null, alarm.evidence === undefined ? null : JSON.stringify(alarm.evidence));
  }

  load(): StoredAlarm[] {
    return (this.db.prepare("SELECT key, code, message, raised_ms, seq, evidence FROM alarms ORDER BY raised_ms, key").all() as { key: string; code: string; message: string; raised_ms: number; seq: number | null; evidence: string | null }[])
      .map((r) => ({
        key: r.key, code: r.code, message: r.message, at: new Date(r.raised_ms).toISOString(),
        ...(r.seq === null ? {} : { seq: r.seq }), ...(r.evidence === null ? {} : { evidence: JSON.parse(r.evidence) as unknown }),
      }));
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
