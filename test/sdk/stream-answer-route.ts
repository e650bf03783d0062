// A stand-in for GET /v1/streams/answer (being built on another branch) with the contract the SDK follows: 200 the
// answer server/api/stream-answer.ts builds from the database, 202 { status: "pending", retryAfterSeconds } until a
// checkpoint is anchored, 404 for an unknown stream. Registered through the test ledger's extra /v1 routes.
import type { FastifyPluginAsync } from "fastify";
import { buildStreamAnswer } from "../../server/api/stream-answer.ts";

export const streamAnswerTestRoute: FastifyPluginAsync = async (v1) => {
  v1.get("/streams/answer", { schema: { hide: true } }, async (request, reply) => {
    const q = request.query as { device: string; name: string; from: string; to: string; limit?: string };
    const answer = await buildStreamAnswer(v1.ledger.db, v1.ledger.chain, { device: q.device.toLowerCase(), name: q.name, from: q.from, to: q.to, limit: Number(q.limit ?? 100) });
    if (answer === undefined) return reply.code(404).send({ statusCode: 404, code: "not_found", message: "no anchored record of this stream", path: [] });
    if ("status" in answer) return reply.code(202).header("retry-after", "2").send({ status: "pending", retryAfterSeconds: 2 });
    return answer;
  });
};
