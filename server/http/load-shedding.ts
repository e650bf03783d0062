// Load shedding (@fastify/under-pressure): 503 under_pressure with Retry-After when the event loop really lags.
// under-pressure reports an event-loop delay of Infinity when its histogram got no sample in the last interval
// (a starved or descheduled process, e.g. a loaded CI machine): that is "not measured", not "1 s late", so it
// must not refuse requests; event-loop utilization still sheds a loop that is really saturated.
import type { FastifyReply, FastifyRequest } from "fastify";

export const LOAD_SHEDDING = { maxEventLoopDelay: 1000, maxEventLoopUtilization: 0.98 } as const;

/** under-pressure's pressureHandler: answers 503, or returns without answering to let the request through. */
export function shedLoad(_request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined): void {
  if (type === "eventLoopDelay" && !Number.isFinite(value)) return;
  reply.code(503).header("retry-after", "1").send({ statusCode: 503, code: "under_pressure", message: `server under pressure (${type} ${value})`, path: [] });
}
