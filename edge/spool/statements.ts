// The spool's SQL, prepared once per open spool: records and their chain, streams and their heads, open windows
// and their samples, delivery state, receipts and meta (schema.ts holds the tables).
import type { DatabaseSync, StatementSync } from "node:sqlite";

export function prepareStatements(db: DatabaseSync) {
  return {
  insert: db.prepare("INSERT INTO records (seq, hash, json, kind, stream, stream_seq, state, created_ms, bytes) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)"),
  chain: db.prepare("INSERT INTO chain (id, device, last_seq, last_hash) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash"),
  stream: db.prepare("SELECT name, salt, stream_seq, stream_prev, last_to_ms, last_key FROM streams WHERE name = ?"),
  newStream: db.prepare("INSERT INTO streams (name, salt) VALUES (?, ?)"),
  streamHead: db.prepare("UPDATE streams SET stream_seq = ?, stream_prev = ?, last_to_ms = ? WHERE name = ?"),
  lastKey: db.prepare("UPDATE streams SET last_key = ? WHERE name = ?"),
  window: db.prepare("SELECT stream, node_id, unit, data_type, opened_ms, first_t, count FROM windows WHERE stream = ?"),
  openWindow: db.prepare("INSERT INTO windows (stream, node_id, unit, data_type, opened_ms, first_t, count) VALUES (?, ?, ?, ?, ?, ?, 0)"),
  growWindow: db.prepare("UPDATE windows SET count = count + 1, data_type = coalesce(data_type, ?) WHERE stream = ?"),
  closeWindow: db.prepare("DELETE FROM windows WHERE stream = ?"),
  sample: db.prepare("INSERT INTO samples (stream, t, server_ts, status, value, bytes) VALUES (?, ?, ?, ?, ?, ?)"),
  windowSamples: db.prepare("SELECT t, server_ts, status, value FROM samples WHERE stream = ? ORDER BY id"),
  dropSamples: db.prepare("DELETE FROM samples WHERE stream = ? RETURNING bytes"),
  pending: db.prepare("SELECT seq, hash, json, created_ms FROM records WHERE state = 0 AND seq >= ? ORDER BY seq LIMIT ?"),
  markSent: db.prepare("UPDATE records SET state = 1, sent_ms = ? WHERE seq BETWEEN ? AND ? AND state = 0"),
  receipt: db.prepare("INSERT OR REPLACE INTO receipts (first_seq, last_seq, received_ms, receipt) VALUES (?, ?, ?, ?)"),
  setMeta: db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
  delMeta: db.prepare("DELETE FROM meta WHERE key = ?"),
  } satisfies Record<string, StatementSync>;
}

export type SpoolStatements = ReturnType<typeof prepareStatements>;
