// Records every answered request in otledger_http_request_duration_seconds. An onResponse hook sees routed
// requests and the not-found handler's alike; requests the HTTP front refuses before routing (malformed HTTP)
// never reach a hook and are not counted.
import type { FastifyInstance } from "fastify";

/** Methods kept as they are; anything else (a scanner's "FOO") is "other", so the label stays bounded. */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** Route label of requests no route matched (404, 405): their raw URLs would be unbounded. */
export const UNMATCHED_ROUTE = "unmatched";

export function installHttpMetrics(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    // app.ledger is decorated later, by the ledger plugin; the hook is added first so it covers every route.
    const metrics = app.ledger?.metrics;
    if (metrics === undefined) return;
    const matched = request.is404 !== true && request.routeOptions.url !== undefined;
    metrics.httpDuration.observe({
      method: METHODS.has(request.method) ? request.method : "other",
      route: matched ? request.routeOptions.url! : UNMATCHED_ROUTE,
      status_class: `${Math.floor(reply.statusCode / 100)}xx`,
    }, reply.elapsedTime / 1000);
  });
}
