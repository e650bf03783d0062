// Writes an access record for every partner/auditor read before the answer leaves (a failed write fails the
// read: nothing is shown unlogged). Streaming routes (export) log themselves when the stream ends.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AccessLog } from "./access-log.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Number of records (or items) the answer shows; set by the handler. */
    accessCount?: number;
  }
  interface FastifyContextConfig {
    /** Log this route's reads in the access log ("deferred": the handler does it). */
    access?: "logged" | "deferred";
  }
}

export function accessEntry(request: FastifyRequest, count: number, extra: object = {}) {
  const caller = request.caller!;
  return {
    principal: { id: caller.id, name: caller.name, role: caller.role },
    route: `${request.method} ${request.routeOptions.url ?? request.url}`,
    filter: { ...(request.params as object), ...(request.query as object), ...extra },
    count,
    at: new Date(),
    requestId: request.id,
  };
}

export function installAccessHook(app: FastifyInstance, log: AccessLog): void {
  app.decorateRequest("accessCount", undefined);
  app.addHook("onSend", async (request, reply, payload) => {
    if (request.routeOptions.config.access !== "logged" || request.caller === undefined) return payload;
    if (request.caller.role !== "partner" && request.caller.role !== "auditor") return payload;
    if (reply.statusCode >= 500) return payload;
    await log.append(accessEntry(request, request.accessCount ?? 0, { status: reply.statusCode })).catch((err: unknown) => {
      request.log.error({ err }, "access record could not be written: the read is refused");
      throw err;
    });
    return payload;
  });
}
