/**
 * Spool database layout, protocol v2 (node:sqlite, WAL). `PRAGMA user_version = 2` marks a v2 spool; a file with
 * tables but another version is a v1 spool and is refused (no deployments exist, so there is no migration: its
 * records are v1 records the ledger no longer accepts).
 *
 * Tables:
 *  - chain: the device chain head (seq, hash of the last sealed record);
 *  - streams: per stream name its 16-byte salt (kept for the stream's life), head (streamSeq, streamPrev, `to`),
 *    and the key of the last captured sample (a redelivery after a restart is recognized);
 *  - windows + samples: open series windows and their captured samples, durable on capture;
 *  - records: sealed records (full v2 records, JSON) until verified as anchored; receipts, alarms, meta.
 *
 * Durability: journal_mode=WAL with synchronous=FULL, so every COMMIT fsyncs the WAL before returning: a sample
 * counts as captured only once it survives power loss, not just a process kill. Capture commits one transaction
 * per OPC UA publish (all its samples), not one per sample. `spool.synchronous: NORMAL` is offered for hosts on a
 * UPS with slow disks: in WAL mode it still survives any process crash (SIGKILL included); only a power cut can
 * lose the last commits (and then never half a transaction, so both chains stay whole).
 */
import type { DatabaseSync } from "node:sqlite";
import { SpoolError, type SpoolSync } from "./types.ts";

export const RecordState = { pending: 0, sent: 1 } as const;
export const SPOOL_SCHEMA_VERSION = 2;

export type { SpoolSync } from "./types.ts";

export function migrate(db: DatabaseSync, file: string, synchronous: SpoolSync = "FULL"): void {
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = ${synchronous === "NORMAL" ? "NORMAL" : "FULL"};
    PRAGMA busy_timeout = 5000;
    PRAGMA cache_size = -32768;
  `);
  const version = Number((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version);
  // alarms may have been created by `edge status` (AlarmStore) before the agent first ran: not a v1 sign
  const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name <> 'alarms'").get() as { n: number }).n;
  if (version !== SPOOL_SCHEMA_VERSION && tables > 0) {
    throw new SpoolError("spool_version_unsupported", `spool ${file} is a protocol v${version === 0 ? 1 : version} spool; this agent writes protocol v2. Deliver or discard it with the old agent, then move it away: a v2 agent starts a fresh spool`);
  }
  db.exec(`
    CREATE TABLE IF NOT EXISTS chain (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      device TEXT NOT NULL,
      last_seq INTEGER NOT NULL,
      last_hash TEXT
    );
    CREATE TABLE IF NOT EXISTS streams (
      name TEXT PRIMARY KEY,
      salt TEXT NOT NULL,
      stream_seq INTEGER NOT NULL DEFAULT 0,
      stream_prev TEXT,
      last_to_ms INTEGER,
      last_key TEXT
    );
    -- one open series window per tag stream; node_id/unit/data_type are the series' metadata
    CREATE TABLE IF NOT EXISTS windows (
      stream TEXT PRIMARY KEY,
      node_id TEXT NOT NULL,
      unit TEXT,
      data_type TEXT,
      opened_ms INTEGER NOT NULL,
      first_t INTEGER NOT NULL,
      count INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS samples (
      id INTEGER PRIMARY KEY,
      stream TEXT NOT NULL,
      t INTEGER NOT NULL,
      server_ts INTEGER,
      status INTEGER NOT NULL,
      value TEXT NOT NULL,
      bytes INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS samples_by_stream ON samples (stream, t, id);
    CREATE TABLE IF NOT EXISTS records (
      seq INTEGER PRIMARY KEY,
      hash TEXT NOT NULL,
      json TEXT NOT NULL,
      kind TEXT NOT NULL,
      stream TEXT NOT NULL,
      stream_seq INTEGER NOT NULL,
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
    PRAGMA user_version = ${SPOOL_SCHEMA_VERSION};
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
