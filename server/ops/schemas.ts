// /healthz, /readyz and /metrics in the OpenAPI document (no key: they are for probes and scrapers).
import { z } from "zod";
import { errorBody, errorResponses } from "../http/error-responses.ts";

const Ok = z.object({ ok: z.literal(true) });
const Failed = z.object({ ok: z.literal(false), error: z.string() });

export const ReadySchema = z.object({
  status: z.enum(["ok", "degraded", "unavailable"]).describe("degraded: chain unreachable or anchoring lags beyond READY_MAX_ANCHOR_LAG_MS (ingest still works)"),
  database: z.union([Ok, Failed]),
  chain: z.union([Ok.extend({ block: z.number() }), Failed]).and(z.object({ chainId: z.number(), contract: z.string() })),
  anchoring: z.object({
    logSize: z.number(), checkpoints: z.number(), checkpointedSize: z.number(), anchoredCheckpoints: z.number(), anchoredSize: z.number(),
    lagLeaves: z.number(), lagSeconds: z.number().describe("age of the oldest checkpoint not yet anchored"), degraded: z.boolean(), leader: z.boolean(),
  }).nullable(),
});

export const healthzSchema = {
  tags: ["ops"], operationId: "getHealth", summary: "Liveness: the process serves",
  response: { 200: z.object({ status: z.literal("ok") }), ...errorResponses() },
};

export const readyzSchema = {
  tags: ["ops"], operationId: "getReadiness", summary: "Readiness: database, chain head, anchoring lag",
  response: {
    200: ReadySchema.describe("ready (status ok or degraded)"),
    // Both leave as 503: not ready (the readiness body), or shed by the under-pressure guard (an error body).
    503: z.union([ReadySchema, errorBody(503, ["under_pressure"])]).describe("not ready: the database is unreachable, or the server is under pressure"),
    500: errorResponses()[500]!,
  },
};

export const metricsSchema = {
  tags: ["ops"], operationId: "getMetrics", summary: "Prometheus metrics (text exposition format)",
  response: {
    200: { description: "Prometheus text exposition format", content: { "text/plain": { schema: z.string() } } },
    ...errorResponses(),
  },
};
