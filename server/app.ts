// The otledger service as a Fastify plugin: shared context (pool, chain, registry, metrics), leader-elected
// workers, and route plugins (/v1 ingest now; the partner API registers beside it from server/api/).
import fp from "fastify-plugin";
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from "fastify";
import underPressure from "@fastify/under-pressure";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { randomUUID } from "node:crypto";
import { openapiDocs } from "./api/openapi.ts";
import { installContentDecoding } from "./http/content-encoding.ts";
import { installErrorHandler } from "./http/errors.ts";
import { frontErrorOptions } from "./http/client-errors.ts";
import { installJsonBodyParser } from "./http/json-body.ts";
import { installNotFound } from "./http/not-found.ts";
import { installHttpMetrics } from "./ops/http-metrics.ts";
import { LOAD_SHEDDING, shedLoad } from "./http/load-shedding.ts";
import { ingestRoutes } from "./ingest/route.ts";
import { opsRoutes } from "./ops/routes.ts";
import { verifierRoutes } from "./verifier/route.ts";
import { ledgerPlugin, type LedgerPluginOptions } from "./plugins/ledger.ts";
import { workersPlugin } from "./plugins/workers.ts";
import { createLogger } from "./runtime/logger.ts";
import "./context.ts";

export type AppOptions = LedgerPluginOptions & {
  /** Run leader election (integrator + anchorer). Off for read-only replicas. Default true. */
  workers?: boolean;
  /** Extra route plugins registered under /v1 after ingest (the partner API). */
  routes?: FastifyPluginAsync[];
};

/** The service: register on any Fastify instance (tests use buildApp + inject). Not encapsulated: `app.ledger` is visible. */
export const otledgerApp = fp<AppOptions>(async (app, opts) => {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installHttpMetrics(app); // before any route, so it times them all
  installJsonBodyParser(app);
  installContentDecoding(app);
  installNotFound(app);
  await app.register(openapiDocs); // first: it documents the routes registered after it
  await app.register(ledgerPlugin, opts);
  if (opts.workers !== false) await app.register(workersPlugin, { leaderUrl: opts.database.appUrl ?? opts.database.ownerUrl });
  await app.register(underPressure, { ...LOAD_SHEDDING, exposeStatusRoute: false, pressureHandler: shedLoad });
  await app.register(opsRoutes);
  await app.register(verifierRoutes());
  await app.register(async (v1) => {
    await v1.register(ingestRoutes);
    for (const routes of opts.routes ?? []) await v1.register(routes);
  }, { prefix: "/v1" });
}, { name: "otledger", fastify: "5.x" });

/** A Fastify instance with the service's server options (body limit, timeouts, request ids, logs, error shape for parser and router errors). */
export async function buildApp(opts: AppOptions, server: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Unless the caller brings its own: NDJSON on stdout, readable on a terminal (runtime/logger.ts).
    ...(server.logger === undefined && server.loggerInstance === undefined ? { loggerInstance: createLogger({ level: opts.config.LOG_LEVEL, format: opts.config.LOG_FORMAT }) } : {}),
    bodyLimit: opts.config.BODY_LIMIT_BYTES,
    requestTimeout: opts.config.REQUEST_TIMEOUT_MS,
    connectionTimeout: opts.config.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: 10_000,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    ...frontErrorOptions,
    ...server,
  }).withTypeProvider<ZodTypeProvider>();
  app.addHook("onSend", async (request, reply) => { reply.header("x-request-id", request.id); });
  await app.register(otledgerApp, opts);
  return app;
}
