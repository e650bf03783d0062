// GET /v1/checkpoints, /v1/checkpoints/latest, /v1/checkpoints/consistency — anchored checkpoints only.
// Checkpoints carry no record data (they are public on-chain), so every reader sees all of them.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { storedConsistencyProof } from "../log/merkle-store.ts";
import { READERS } from "./auth.ts";
import { anchoredBySize, latestAnchored, listAnchored } from "./checkpoints-db.ts";
import { ApiError, notFound } from "./errors.ts";
import { INPUT_ERRORS, InstantOut, Limit, queryObject, readerErrors, security, TreeSize } from "./schemas-common.ts";
import { Cursor } from "./schemas-records.ts";

const config = { roles: READERS, access: "logged" } as const;
const Checkpoint = z.object({ index: z.number(), treeSize: z.number(), root: z.string(), txHash: z.string(), blockNumber: z.number(), anchoredAt: InstantOut });

export const checkpointRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, chain } = app.ledger;

  app.get("/checkpoints", {
    config,
    schema: {
      tags: ["checkpoints"], operationId: "listCheckpoints", summary: "Anchored checkpoints, ascending, by cursor", security,
      querystring: queryObject({ cursor: Cursor.optional().describe("nextCursor of the previous page"), limit: Limit(1000, 100) }),
      response: {
        200: z.object({
          checkpoints: z.array(Checkpoint),
          nextCursor: z.string().nullable().describe("pass as cursor to continue after the last checkpoint (also to tail new ones)"),
          hasMore: z.boolean(),
        }),
        ...readerErrors(INPUT_ERRORS),
      },
    },
  }, async (request) => {
    const { cursor, limit } = request.query;
    const rows = await listAnchored(db, chain, cursor === undefined ? -1 : Number(cursor), limit + 1);
    const checkpoints = rows.slice(0, limit);
    request.accessCount = checkpoints.length;
    const last = checkpoints.at(-1);
    return { checkpoints, nextCursor: last === undefined ? (cursor ?? null) : String(last.index), hasMore: rows.length > limit };
  });

  app.get("/checkpoints/latest", {
    config,
    schema: { tags: ["checkpoints"], operationId: "getLatestCheckpoint", summary: "The latest anchored checkpoint", security, response: { 200: Checkpoint, ...readerErrors({ 404: ["not_found"] }) } },
  }, async (request) => {
    const latest = await latestAnchored(db, chain);
    if (latest === undefined) throw notFound("anchored checkpoint");
    request.accessCount = 1;
    return latest;
  });

  app.get("/checkpoints/consistency", {
    config,
    schema: {
      tags: ["checkpoints"], operationId: "getConsistencyProof", summary: "RFC 9162 consistency proof between two anchored tree sizes",
      description: "Both sizes are anchored tree sizes, so at least 1: a proof from the empty tree proves nothing (RFC 9162 §2.1.4 defines none).", security,
      querystring: queryObject({ from: TreeSize.describe("the older anchored tree size"), to: TreeSize.describe("the newer anchored tree size") }).refine((q) => q.from <= q.to, { path: ["to"], message: "to must be >= from" }),
      response: { 200: z.object({ from: Checkpoint, to: Checkpoint, proof: z.array(z.string()) }), ...readerErrors(INPUT_ERRORS, { 400: ["tree_size_not_anchored"] }) },
    },
  }, async (request) => {
    const { from, to } = request.query;
    const [a, b] = await Promise.all([anchoredBySize(db, chain, from), anchoredBySize(db, chain, to)]);
    if (a === undefined) throw new ApiError(400, "tree_size_not_anchored", `no anchored checkpoint has treeSize ${from}`, ["from"]);
    if (b === undefined) throw new ApiError(400, "tree_size_not_anchored", `no anchored checkpoint has treeSize ${to}`, ["to"]);
    request.accessCount = 1;
    return { from: a, to: b, proof: await storedConsistencyProof(db, from, to) };
  });
};
