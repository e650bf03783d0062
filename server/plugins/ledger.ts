// Opens what the service needs (app-role pool, chain connection, device registry, metrics), decorates
// `app.ledger`, and closes all of it on close. Registry events are followed by a background loop.
import fp from "fastify-plugin";
import type { Wallet } from "ethers";
import { envelopeDomainV2 } from "../../core/index.ts";
import { connectChain } from "../chain/connection.ts";
import { DeviceRegistry } from "../chain/registry.ts";
import { VerifyPool } from "../ingest/verify-pool.ts";
import type { Config } from "../config.ts";
import type { LedgerContext } from "../context.ts";
import { createPool } from "../db/pool.ts";
import { createMetrics } from "../ops/metrics.ts";
import { anchoringStatus } from "../ops/status.ts";
import { Loop } from "../runtime/loop.ts";

export type LedgerPluginOptions = {
  config: Config;
  database: { ownerUrl: string; appUrl?: string };
  chain: { rpcUrl: string; contract: string; deployBlock: number; chainId?: number; anchorer: Wallet };
};

export const ledgerPlugin = fp<LedgerPluginOptions>(async (app, opts) => {
  const { config } = opts;
  const db = createPool({ ownerUrl: opts.database.ownerUrl, appUrl: opts.database.appUrl, max: config.PG_POOL_MAX });
  app.addHook("onClose", async () => { await db.end(); });
  await db.query("SELECT 1"); // fail fast on a bad connection
  const chain = await connectChain({ ...opts.chain, pollingIntervalMs: config.CHAIN_POLL_INTERVAL_MS });
  app.addHook("onClose", async () => chain.close());
  const registry = new DeviceRegistry(db, chain, { headWaitMs: config.REGISTRY_HEAD_WAIT_MS, retryMs: config.CHAIN_POLL_INTERVAL_MS, log: app.log });
  await registry.start();
  const metrics = createMetrics(() => anchoringStatus(db, chain));
  const follow = new Loop("registry", async () => { await registry.sync(); return false; }, {
    idleMs: config.CHAIN_POLL_INTERVAL_MS,
    onError: (err, n) => { metrics.chainErrors.inc({ component: "registry" }); if (n === 1) app.log.warn({ err: (err as Error).message }, "device registry sync failed"); },
  });
  follow.start();
  app.addHook("onClose", async () => { await follow.stop(); });
  const domain = envelopeDomainV2(chain.chainId, chain.contractAddress);
  const verifier = new VerifyPool(config.VERIFY_WORKERS, domain);
  app.addHook("onClose", async () => { await verifier.close(); });
  const ledger: LedgerContext = { config, db, chain, registry, domain, metrics, verifier };
  app.decorate("ledger", ledger);
}, { name: "otledger-ledger", fastify: "5.x" });
