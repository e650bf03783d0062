// GET /v1/access-log (auditors): who read what, from the access records (kind "access", stream "@access") of
// the service key, with their anchoring.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AccessBody } from "../../core/index.ts";
import { hexToBytes } from "../db/bytes.ts";
import type { AccessLog } from "./access-log.ts";
import { latestAnchored } from "./checkpoints-db.ts";
import { INPUT_ERRORS, Limit, queryObject, readerErrors, security } from "./schemas-common.ts";
import { Cursor } from "./schemas-records.ts";
import { afterIndex, LEAF_INDEX, RECORDS_FROM } from "./records-query.ts";
import { Params } from "./scope.ts";

const Entry = z.object({
  index: z.number(), hash: z.string(), seq: z.number(), streamSeq: z.number(), at: z.string(),
  principal: z.string().nullable().describe("\"<role>:<name>\" (null once the body was erased)"),
  principalId: z.number().nullable(), requestId: z.string().nullable(), route: z.string().nullable(),
  filter: z.record(z.string(), z.unknown()).nullable().describe("the request's parameters; \"@principalId\" and \"@requestId\" are the service's own"),
  count: z.number().nullable(),
  checkpoint: z.number().nullable().describe("first checkpoint covering the record (null: not cut yet)"),
  anchored: z.boolean(),
});

export function accessRoutes(accessLog: AccessLog): FastifyPluginAsyncZod {
  return async (app) => {
    const { db, chain } = app.ledger;
    app.get("/access-log", {
      config: { roles: ["auditor"], access: "logged" },
      schema: {
        tags: ["access"], operationId: "listAccessLog", summary: "Access records (partner and auditor reads), oldest first", security,
        querystring: queryObject({ cursor: Cursor.optional(), limit: Limit(1000, 100) }),
        response: { 200: z.object({ device: z.string(), entries: z.array(Entry), nextCursor: z.string().nullable(), hasMore: z.boolean() }), ...readerErrors(INPUT_ERRORS) },
      },
    }, async (request) => {
      const { cursor, limit } = request.query;
      const p = new Params();
      const device = p.add(hexToBytes(accessLog.address));
      const res = await db.query<{ leaf_index: number; hash: Buffer; seq: number; stream_seq: number; ts: Date; body: AccessBody | null; checkpoint: number | null }>(
        `SELECT x.*, (SELECT min(c.idx) FROM checkpoints c WHERE c.tree_size > x.leaf_index) AS checkpoint FROM (
           SELECT ${LEAF_INDEX} AS leaf_index, r.hash, r.seq, r.stream_seq, r.ts, r.body FROM ${RECORDS_FROM}
           WHERE r.device = ${device} AND r.kind = 'access' AND ${afterIndex(cursor === undefined ? -1 : Number(cursor), p)} ORDER BY e.first_index, r.seq LIMIT ${p.add(limit + 1)}) x`,
        p.values);
      const latest = await latestAnchored(db, chain);
      const rows = res.rows.slice(0, limit);
      const entries = rows.map((r) => {
        const f = r.body?.filter;
        const principalId = f?.["@principalId"], requestId = f?.["@requestId"];
        return {
          index: Number(r.leaf_index), hash: "0x" + r.hash.toString("hex"), seq: Number(r.seq), streamSeq: Number(r.stream_seq), at: r.ts.toISOString(),
          principal: r.body?.principal ?? null, principalId: typeof principalId === "number" ? principalId : null,
          requestId: typeof requestId === "string" ? requestId : null, route: r.body?.route ?? null, filter: f ?? null, count: r.body?.count ?? null,
          checkpoint: r.checkpoint === null ? null : Number(r.checkpoint),
          anchored: r.checkpoint !== null && latest !== undefined && Number(r.checkpoint) <= latest.index,
        };
      });
      request.accessCount = entries.length;
      const last = rows[rows.length - 1];
      return { device: accessLog.address, entries, nextCursor: last === undefined ? (cursor ?? null) : String(last.leaf_index), hasMore: res.rows.length > limit };
    });
  };
}
