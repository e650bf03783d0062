/**
 * Spool database layout (node:sqlite, WAL).
 *
 * Durability: journal_mode=WAL with synchronous=FULL, so every COMMIT fsyncs the WAL before returning: a record
 * counts as produced only once it survives power loss, not just a process kill (NORMAL in WAL mode would survive
 * SIGKILL but could lose the last commits on power loss). The cost stays low because capture commits one
 * transaction per OPC UA publish (hundreds of readings), not one per reading.
 * `spool.synchronous: NORMAL` is offered for hosts on a UPS with slow disks: in WAL mode it still survives any
 * process crash (SIGKILL included), since committed pages sit in the OS cache; only a power cut can lose the
 * last commits (and then never half a transaction, so the chain stays whole).
 */
import type { DatabaseSync } from "node:sqlite";

export const RecordState = { pending: 0, sent: 1 } as const;

export type SpoolSync = "FULL" | "NORMAL";

export function migrate(db: DatabaseSync, synchronous: SpoolSync = "FULL"): void {
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = ${synchronous === "NORMAL" ? "NORMAL" : "FULL"};
    PRAGMA busy_timeout = 5000;
    PRAGMA cache_size = -32768;
    CREATE TABLE IF NOT EXISTS chain (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      device TEXT NOT NULL,
      last_seq INTEGER NOT NULL,
      last_hash TEXT
    );
    CREATE TABLE IF NOT EXISTS records (
      seq INTEGER PRIMARY KEY,
      hash TEXT NOT NULL,
      json TEXT NOT NULL,
      kind TEXT NOT NULL,
      state INTEGER NOT NULL DEFAULT 0,
      created_ms INTEGER NOT NULL,
      sent_ms INTEGER,
      bytes INTEGER NOT NULL
    );
    -- one row per acknowledged envelope (a receipt covers all its records; kept until they are purged)
    CREATE TABLE IF NOT EXISTS receipts (
      first_seq INTEGER PRIMARY KEY,
      last_seq INTEGER NOT NULL,
      received_ms INTEGER NOT NULL,
      receipt TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS records_by_state ON records (state, seq);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `);
  migrateAlarms(db);
}

/** Alarms that must outlive the process (e.g. the ledger broke an acknowledgement), with their evidence. */
export function migrateAlarms(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS alarms (
      key TEXT PRIMARY KEY,
      code TEXT NOT NULL,
      message TEXT NOT NULL,
      raised_ms INTEGER NOT NULL,
      seq INTEGER,
      evidence TEXT
    );
  `);
}
