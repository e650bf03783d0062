// Writes an access record for every partner/auditor read before the answer leaves (a failed write turns an
// answer showing data into a 503: nothing is shown unlogged). Streaming routes (export) log themselves when the stream ends.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AccessEntry } from "./access-body.ts";
import type { AccessLog } from "./access-log.ts";
import { ApiError } from "./errors.ts";

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

export function accessEntry(request: FastifyRequest, count: number, extra: object = {}): AccessEntry {
  const caller = request.caller!;
  return {
    principal: { id: caller.id, name: caller.name, role: caller.role },
    route: `${request.method} ${request.routeOptions.url ?? request.url}`,
    filter: { ...(request.params as object), ...(request.query as object), ...extra } as Record<string, unknown>,
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
    const showsData = reply.statusCode < 400;
    await log.append(accessEntry(request, request.accessCount ?? 0, { status: reply.statusCode })).catch((err: unknown) => {
      // Data is never shown unlogged: the answer becomes a 503. A refusal (4xx) showed nothing, so it goes out.
      request.log.error({ err: (err as Error).message, status: reply.statusCode }, "access record could not be written");
      if (showsData) throw new ApiError(503, "access_log_unavailable", "the access log cannot be written now; retry later");
    });
    return payload;
  });
}
