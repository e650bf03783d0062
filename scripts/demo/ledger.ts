// The ledger service as `npm start` runs it (embedded PostgreSQL, local anvil with LedgerAnchor, integrator and
// anchorer) plus the partner/auditor/admin API, in a fresh data directory. Logs go to a file, not the story.
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../server/app.ts";
import { loadConfig } from "../../server/config.ts";
import { generateKey } from "../../server/api/keys.ts";
import { otledgerApi } from "../../server/api/plugin.ts";
import { apiOptionsFromEnv } from "../../server/api/setup.ts";
import { bootstrap } from "../../server/runtime/bootstrap.ts";
import type { Cleanup } from "./cleanup.ts";

export type DemoLedger = {
  app: FastifyInstance;
  url: string;
  rpcUrl: string;
  chainId: number;
  contract: string;
  deployBlock: number;
  adminKey: string;
  accessLogDevice: string;
  logFile: string;
};

export async function startLedger(dataDir: string, cleanup: Cleanup): Promise<DemoLedger> {
  // An empty environment: a DATABASE_URL or CHAIN_RPC_URL in the caller's shell must not point the demo at real systems.
  const config = loadConfig({}, {
    DATA_DIR: dataDir, PORT: 0, LOG_LEVEL: "info",
    CHECKPOINT_INTERVAL_MS: 2000, CHAIN_POLL_INTERVAL_MS: 200, ANCHOR_TX_TIMEOUT_MS: 10_000,
  });
  const runtime = await cleanup.track("PostgreSQL and anvil", bootstrap(config), (r) => r.stop());
  const logFile = join(runtime.dataDir, "service.log");
  const logStream = createWriteStream(logFile, { flags: "a" });
  cleanup.add("service log", () => new Promise((resolve) => logStream.end(resolve)));
  const app = await cleanup.track("ledger service", buildApp({ config, database: runtime.database, chain: runtime.chain }, {
    logger: { level: config.LOG_LEVEL, stream: logStream, redact: ["req.headers.authorization", "req.headers.cookie"] },
  }), (a) => a.close());
  const adminKey = generateKey().key;
  const api = await apiOptionsFromEnv({}, runtime.dataDir);
  await app.register(otledgerApi, { serviceKey: api.serviceKey, adminKey, rateLimitPerMinute: 100_000, print: () => {} });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    app, url: `http://127.0.0.1:${port}`, rpcUrl: runtime.chain.rpcUrl, chainId: app.ledger.chain.chainId,
    contract: app.ledger.chain.contractAddress, deployBlock: runtime.chain.deployBlock, adminKey,
    accessLogDevice: api.serviceKey.address.toLowerCase(), logFile,
  };
}
