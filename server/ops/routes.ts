// /healthz (the process serves), /readyz (database, chain, anchoring lag) and /metrics (Prometheus).
import type { FastifyPluginAsync } from "fastify";
import { healthzSchema, metricsSchema, readyzSchema } from "./schemas.ts";
import { anchoringStatus, chainHead } from "./status.ts";

export const opsRoutes: FastifyPluginAsync = async (app) => {
  const { db, chain, config, metrics } = app.ledger;

  app.get("/healthz", { schema: healthzSchema }, async () => ({ status: "ok" as const }));

  app.get("/readyz", { schema: readyzSchema }, async (_request, reply) => {
    const database = await db.query("SELECT 1").then(() => ({ ok: true as const }), (err: Error) => ({ ok: false as const, error: err.message }));
    const head = await chainHead(chain);
    const anchoring = database.ok ? await anchoringStatus(db, chain).catch(() => undefined) : undefined;
    const degraded = !head.ok || anchoring === undefined || anchoring.lagSeconds * 1000 > config.READY_MAX_ANCHOR_LAG_MS;
    // Ingest works without the chain, so only a database failure makes the replica not ready.
    const status = !database.ok ? "unavailable" : degraded ? "degraded" : "ok";
    return reply.code(database.ok ? 200 : 503).send({
      status,
      database,
      chain: { ...head, chainId: chain.chainId, contract: chain.contractAddress },
      anchoring: anchoring === undefined ? null : { ...anchoring, degraded, leader: app.ledger.leader?.isLeader ?? false },
    });
  });

  app.get("/metrics", { schema: metricsSchema }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
};
