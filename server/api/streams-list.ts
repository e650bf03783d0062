// GET /v1/streams: the streams with at least one anchored in-scope record, by (device, name), each with its head:
// the newest anchored record's streamSeq, end and leaf index, which is no more than its stub shows.
import type pg from "pg";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import { LEAF_INDEX, RECORDS_FROM } from "./records-query.ts";
import { Params, scopeCondition, type Scope } from "./scope.ts";

type Db = Pick<pg.Pool, "query">;
export type StreamHead = { device: string; name: string; stream: string; kind: string; head: { streamSeq: number; to: string; index: number } };
export type StreamsCursor = { device: string; name: string };
type Row = { device: Buffer; stream_name: string; stream: Buffer; kind: string; stream_seq: number; to_ts: Date; leaf_index: string };

export async function listStreams(db: Db, scope: Scope, treeSize: number, q: { device?: string; after?: StreamsCursor; limit: number }): Promise<{ streams: StreamHead[]; more: boolean }> {
  const p = new Params();
  const size = p.add(treeSize);
  const c = [`${LEAF_INDEX} < ${size}::bigint`, scopeCondition(scope, p)];
  if (q.device !== undefined) c.push(`e.device = ${p.add(hexToBytes(q.device))}`);
  if (q.after !== undefined) c.push(`(r.device, r.stream_name) > (${p.add(hexToBytes(q.after.device))}::bytea, ${p.add(q.after.name)}::text)`);
  const res = await db.query<Row>(`WITH s AS (
      SELECT DISTINCT r.device, r.stream_name FROM ${RECORDS_FROM} WHERE ${c.join(" AND ")} ORDER BY 1, 2 LIMIT ${p.add(q.limit + 1)})
    SELECT s.device, s.stream_name, h.* FROM s CROSS JOIN LATERAL (
      SELECT r.stream, r.kind, r.stream_seq, r.to_ts, ${LEAF_INDEX} AS leaf_index FROM ${RECORDS_FROM}
      WHERE r.device = s.device AND r.stream_name = s.stream_name AND ${LEAF_INDEX} < ${size}::bigint ORDER BY r.stream_seq DESC LIMIT 1) h
    ORDER BY s.device, s.stream_name`, p.values);
  return {
    more: res.rows.length > q.limit,
    streams: res.rows.slice(0, q.limit).map((r) => ({
      device: bytesToHex(r.device), name: r.stream_name, stream: bytesToHex(r.stream), kind: r.kind,
      head: { streamSeq: Number(r.stream_seq), to: r.to_ts.toISOString(), index: Number(r.leaf_index) },
    })),
  };
}
