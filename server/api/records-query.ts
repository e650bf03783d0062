// SQL for record listing and lookup within a caller's scope. A record's leaf index is its envelope's
// first_index + (seq - first_seq). Pages are keyed on it: ingest assigns indexes in commit order under the log
// lock, so a reader that sees leaf i sees every leaf below it and "index > cursor" neither skips nor repeats
// records while new ones arrive. Scans walk envelopes by first_index (device filters apply to envelopes too,
// through the join's r.device = e.device) and records by envelope.
import type pg from "pg";
import { hexToBytes } from "../db/bytes.ts";
import type { EventBody } from "../../core/index.ts";
import { Params, scopeCondition, type Scope } from "./scope.ts";
import type { DataKind } from "./schemas-common.ts";
import { STORED_COLUMNS, storedRecordJson, type StoredColumns } from "./stored-record.ts";

type Db = Pick<pg.Pool, "query">;
export type RecordRow = StoredColumns & { leaf_index: number; hash: Buffer };

/** Records with their envelope; `LEAF_INDEX` is the record's global index. */
export const RECORDS_FROM = "envelopes e JOIN records r ON r.envelope_id = e.id AND r.device = e.device";
export const LEAF_INDEX = "(e.first_index + (r.seq - e.first_seq))";
/** Envelopes hold at most this many records (docs/PROTOCOL.md §8): bounds first_index for a cursor. */
const MAX_ENVELOPE = 4096;

/** "index > cursor", with a bound on e.first_index an index scan can start from. */
export function afterIndex(cursor: number, p: Params): string {
  const c = p.add(cursor);
  return `e.first_index > ${c}::bigint - ${MAX_ENVELOPE} AND ${LEAF_INDEX} > ${c}::bigint`;
}

export type RecordFilter = {
  device?: string | string[]; site?: string; kind?: DataKind; tag?: string; asset?: string; eventType?: EventBody["type"]; from?: string; to?: string;
};
export type RecordsPageQuery = RecordFilter & { cursor?: string; limit: number };

/**
 * The filter part shared by listing and export: query filters AND scope. `tag` is the stream name of readings
 * and series, `asset` the asset of events (stream @events/<asset>); `from`/`to` select records whose span
 * [from_ts, to_ts] meets [from, to). The kind conditions are spelled as the partial indexes of migration 0101
 * (api_records_tag, api_records_event_type, api_records_asset) so the planner can use them.
 */
export async function recordFilter(db: Db, q: RecordFilter, scope: Scope, p: Params): Promise<string> {
  const c: string[] = [];
  const devices = q.device === undefined ? undefined : Array.isArray(q.device) ? q.device : [q.device];
  if (devices !== undefined) c.push(devices.length === 1 ? `e.device = ${p.add(hexToBytes(devices[0]!))}` : `e.device = ANY(${p.add(devices.map(hexToBytes))}::bytea[])`);
  if (q.site !== undefined) {
    const res = await db.query<{ address: Buffer }>("SELECT address FROM api_devices WHERE site = $1", [q.site]);
    c.push(`e.device = ANY(${p.add(res.rows.map((r) => r.address))}::bytea[])`);
  }
  if (q.kind !== undefined) c.push(`r.kind = ${p.add(q.kind)}`);
  if (q.tag !== undefined) c.push(`r.kind IN ('reading', 'series') AND r.stream_name = ${p.add(q.tag)}`);
  if (q.eventType !== undefined || q.asset !== undefined) c.push("r.kind = 'event'");
  if (q.eventType !== undefined) c.push(`r.event_type = ${p.add(q.eventType)}`);
  if (q.asset !== undefined) c.push(`r.asset = ${p.add(q.asset)}`);
  if (q.from !== undefined) c.push(`r.to_ts >= ${p.add(q.from)}::timestamptz`);
  if (q.to !== undefined) c.push(`r.from_ts < ${p.add(q.to)}::timestamptz`);
  c.push(scopeCondition(scope, p));
  return c.join(" AND ");
}

export type RecordsPage = { rows: RecordRow[]; nextCursor: string | null; hasMore: boolean };

/** The page as JSON text (shape RecordsPage in schemas-records.ts), with each record's stored header text spliced in. */
export function pageJson(page: RecordsPage): string {
  const records = page.rows.map((r) => `{"index":${Number(r.leaf_index)},"hash":"0x${r.hash.toString("hex")}","record":${storedRecordJson(r)}}`);
  return `{"records":[${records.join(",")}],"nextCursor":${JSON.stringify(page.nextCursor)},"hasMore":${page.hasMore}}`;
}

export async function listRecords(db: Db, q: RecordsPageQuery, scope: Scope): Promise<RecordsPage> {
  const p = new Params();
  const where = await recordFilter(db, q, scope, p);
  const after = q.cursor === undefined ? "" : ` AND ${afterIndex(Number(q.cursor), p)}`;
  const res = await db.query<RecordRow>(
    `SELECT ${LEAF_INDEX} AS leaf_index, r.hash, ${STORED_COLUMNS} FROM ${RECORDS_FROM} WHERE ${where}${after} ORDER BY e.first_index, r.seq LIMIT ${p.add(q.limit + 1)}`, p.values);
  const rows = res.rows.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return { rows, nextCursor: last === undefined ? (q.cursor ?? null) : String(last.leaf_index), hasMore: res.rows.length > q.limit };
}

export type RecordWithEnvelope = RecordRow & {
  kind: string; from_ts: Date; received_at: Date; envelope_id: number; seq: number; first_seq: number; count: number; first_index: number;
  env_device: Buffer; records_root: Buffer; last_hash: Buffer; signature: Buffer;
};

/** One record with its envelope, or undefined if absent or out of scope (indistinguishable on purpose). */
export async function findRecord(db: Db, hash: string, scope: Scope): Promise<RecordWithEnvelope | undefined> {
  const p = new Params();
  const h = p.add(hexToBytes(hash));
  const res = await db.query<RecordWithEnvelope>(
    `SELECT ${LEAF_INDEX} AS leaf_index, r.hash, ${STORED_COLUMNS}, r.kind, r.from_ts, r.seq, e.received_at, e.id AS envelope_id, e.first_seq, e.count, e.first_index,
            e.device AS env_device, e.records_root, e.last_hash, e.signature
     FROM ${RECORDS_FROM} WHERE r.hash = ${h} AND ${scopeCondition(scope, p)}`, p.values);
  return res.rows[0];
}
