// GET /v1/streams and GET /v1/streams/answer (issue 12): a partner's answer is a proof that these are all the
// records it is entitled to for the question (otledger.stream-answer/1, PROTOCOL §11.2) and shows nothing else.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { READERS } from "./auth.ts";
import { latestAnchored } from "./checkpoints-db.ts";
import { ApiError } from "./errors.ts";
import { INPUT_ERRORS, readerErrors, security } from "./schemas-common.ts";
import { StreamAnswerPage, StreamAnswerQuery, StreamsPage, StreamsPending, StreamsQuery } from "./schemas-streams.ts";
import { scopeOf } from "./scope.ts";
import { buildStreamAnswer } from "./stream-answer.ts";
import { clipWindow, decodeStreamCursor, encodeStreamCursor } from "./stream-window.ts";
import { listStreams, type StreamsCursor } from "./streams-list.ts";

const config = { roles: READERS, access: "logged" } as const;

function decodeListCursor(text: string): StreamsCursor {
  try {
    const c = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Partial<StreamsCursor>;
    if (typeof c.device === "string" && /^0x[0-9a-f]{40}$/.test(c.device) && typeof c.name === "string") return { device: c.device, name: c.name };
  } catch { /* answered below */ }
  throw new ApiError(400, "cursor_invalid", "not a cursor returned as next", ["cursor"]);
}

export const streamRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, chain, config: cfg } = app.ledger;
  const retryAfterSeconds = Math.max(1, Math.ceil(cfg.CHECKPOINT_INTERVAL_MS / 1000));
  const pending = { status: "pending" as const, retryAfterSeconds };

  app.get("/streams", {
    config,
    schema: {
      tags: ["streams"], operationId: "listStreams", summary: "Streams with an anchored record in scope, each with its head (newest anchored record, as its stub shows it)",
      description: "202 pending (Retry-After) while no checkpoint is anchored.",
      security, querystring: StreamsQuery,
      response: { 200: StreamsPage, 202: StreamsPending, ...readerErrors(INPUT_ERRORS, { 400: ["cursor_invalid"] }) },
    },
  }, async (request, reply) => {
    const after = request.query.cursor === undefined ? undefined : decodeListCursor(request.query.cursor);
    const checkpoint = await latestAnchored(db, chain);
    if (checkpoint === undefined) return reply.code(202).header("retry-after", String(retryAfterSeconds)).send(pending);
    const { streams, more } = await listStreams(db, await scopeOf(db, request.caller!), checkpoint.treeSize, { device: request.query.device, after, limit: request.query.limit });
    request.accessCount = streams.length;
    const last = streams.at(-1);
    return {
      streams, checkpoint: { index: checkpoint.index, treeSize: checkpoint.treeSize },
      next: more && last !== undefined ? Buffer.from(JSON.stringify({ device: last.device, name: last.name })).toString("base64url") : null,
    };
  });

  app.get("/streams/answer", {
    config,
    schema: {
      tags: ["streams"], operationId: "getStreamAnswer",
      summary: "A stream's records in a window with the proof that they are all of them (otledger.stream-answer/1, PROTOCOL §11.2), plus `next`",
      description: "A partner's window is clipped to a covering grant's; records outside its whole scope are stubs. 202 pending (Retry-After) while the stream's in-scope records are all unanchored. 404 stream_not_found for an unknown stream and one without an in-scope record alike.",
      security, querystring: StreamAnswerQuery,
      response: {
        200: StreamAnswerPage, 202: StreamsPending,
        ...readerErrors(INPUT_ERRORS, { 400: ["window_invalid", "window_outside_grant", "cursor_invalid"], 404: ["stream_not_found"] }),
      },
    },
  }, async (request, reply) => {
    const q = request.query;
    const from = new Date(q.from).toISOString(), to = new Date(q.to).toISOString();
    if (!(from < to)) throw new ApiError(400, "window_invalid", "from must be before to", ["from"]);
    const cursor = q.cursor === undefined ? undefined : decodeStreamCursor(q.cursor, to);
    const scope = await scopeOf(db, request.caller!);
    const notFound = new ApiError(404, "stream_not_found", "no such stream in scope", ["name"]);
    // An out-of-scope stream is answered as unknown before any window check, so nothing about it can be probed.
    if (!scope.full && !scope.sees(q.device)) throw notFound;
    const window = clipWindow(scope, q.device, q.name, { from: cursor?.from ?? from, to });
    if (window === undefined) throw notFound;
    const answer = await buildStreamAnswer(db, chain, { device: q.device, name: q.name, ...window, limit: q.limit, afterSeq: cursor?.seq }, scope);
    if (answer === undefined) throw notFound;
    if ("status" in answer) return reply.code(202).header("retry-after", String(retryAfterSeconds)).send(pending);
    request.accessCount = answer.records.length;
    const last = answer.records.at(-1);
    const next = answer.truncated && answer.after !== null && last !== undefined
      ? encodeStreamCursor({ from: answer.after.record.header.from, seq: last.record.header.streamSeq }) : null;
    return { ...answer, next };
  });
};
