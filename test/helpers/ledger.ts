/**
 * A complete ledger service for end-to-end tests: a fresh migrated database in the test PostgreSQL cluster, a
 * test anvil chain with LedgerAnchor (or one you pass, to share it), and the app listening on 127.0.0.1:0.
 *
 *   const ledger = await startTestLedger();                  // t.teardown(() => ledger.close())
 *   const device = await ledger.newDevice();                 // TestDeviceV2: random key, registered on-chain (role device)
 *   const res = await ledger.submit(device.envelope(ledger.domain, 10));   // v2 envelope -> { status, body }
 *   const service = await ledger.newDevice({ role: "service" });          // registered with registerServiceKey
 *   await ledger.waitAnchored(res.body.checkpoint.minTreeSize);            // on-chain checkpoint covers it
 *   ledger.url / ledger.app.inject(...) / ledger.ownerDb (pg.Pool as the owner, for inspection)
 *
 * Options: `chain` (share one TestChain), `database` (share one database: replicas), `config` overrides
 * (defaults: 200 ms checkpoints, 100 ms chain polling, silent logs), `routes` (extra /v1 plugins), `listen`,
 * `server` (Fastify options for buildApp, e.g. a logger writing to a stream).
 * close() (idempotent) stops the app, and the chain only if this helper started it.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyServerOptions } from "fastify";
import pg from "pg";
import { Wallet, ZeroHash } from "ethers";
import { envelopeDomainV2, type Eip712DomainV2, type EnvelopeV2 } from "../../core/index.ts";
import { buildApp } from "../../server/app.ts";
import { loadConfig, type Config } from "../../server/config.ts";
import type { Receipt } from "../../server/ingest/receipt.ts";
import { startTestChain, type TestChain } from "./chain.ts";
import { TestDeviceV2 } from "./envelopes.ts";
import { migratedDatabase } from "./postgres.ts";
import { waitFor } from "./wait.ts";

export type TestLedgerOptions = {
  chain?: TestChain;
  database?: { ownerUrl: string; appUrl: string };
  config?: Partial<Config>;
  routes?: FastifyPluginAsync[];
  listen?: boolean;
  workers?: boolean;
  /** Fastify server options for buildApp, e.g. `{ logger: { level: "warn", stream } }` to capture logs. */
  server?: FastifyServerOptions;
};

export type SubmitResult = { status: number; body: Receipt & { code?: string; path?: (string | number)[]; [k: string]: unknown } };

export type TestLedger = {
  app: FastifyInstance;
  url: string;
  chain: TestChain;
  database: { ownerUrl: string; appUrl: string };
  config: Config;
  /** EIP-712 domain of v2 envelopes (version "2"). */
  domain: Eip712DomainV2;
  ownerDb: pg.Pool;
  /** A new key, registered on LedgerAnchor (unless register is false) as a device key or, with role "service", a service key. */
  newDevice(options?: { register?: boolean; role?: "device" | "service" }): Promise<TestDeviceV2>;
  submit(envelope: EnvelopeV2 | unknown): Promise<SubmitResult>;
  /** Waits until the chain has an anchored checkpoint with treeSize >= size; returns its index and size. */
  waitAnchored(size: number, timeoutMs?: number): Promise<{ index: number; treeSize: number }>;
  close(): Promise<void>;
};

export const TEST_CONFIG: Partial<Config> = { CHECKPOINT_INTERVAL_MS: 200, CHAIN_POLL_INTERVAL_MS: 100, LOG_LEVEL: "silent", ANCHOR_TX_TIMEOUT_MS: 5000 };

export async function startTestLedger(options: TestLedgerOptions = {}): Promise<TestLedger> {
  const ownChain = options.chain === undefined;
  const chain = options.chain ?? (await startTestChain());
  const database = options.database ?? (await migratedDatabase());
  const config = loadConfig({}, { ...TEST_CONFIG, ...options.config });
  const app = await buildApp({
    config, database, workers: options.workers, routes: options.routes,
    chain: { rpcUrl: chain.rpcUrl, contract: chain.contract, deployBlock: chain.deployBlock, chainId: chain.chainId, anchorer: new Wallet(chain.anchorerKey) },
  }, options.server);
  if (options.listen !== false) await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const url = typeof address === "object" && address !== null ? `http://127.0.0.1:${address.port}` : "";
  const ownerDb = new pg.Pool({ connectionString: database.ownerUrl, max: 2 });
  const domain = envelopeDomainV2(chain.chainId, chain.contract);
  let closing: Promise<void> | undefined;
  return {
    app, url, chain, database, config, domain, ownerDb,
    async newDevice({ register = true, role = "device" } = {}) {
      const device = new TestDeviceV2();
      if (register && role === "device") await chain.registerDevice(device.address);
      if (register && role === "service") await (await chain.ledger.getFunction("registerServiceKey")(device.address, ZeroHash)).wait();
      return device;
    },
    async submit(envelope) {
      const res = await app.inject({ method: "POST", url: "/v1/envelopes", payload: envelope as object });
      return { status: res.statusCode, body: res.json() };
    },
    async waitAnchored(size, timeoutMs = 30_000) {
      return waitFor(async () => {
        const count = await chain.checkpointCount();
        if (count === 0) return undefined;
        const latest = await chain.ledger.getFunction("checkpointAt")(count - 1);
        return Number(latest.treeSize) >= size ? { index: count - 1, treeSize: Number(latest.treeSize) } : undefined;
      }, { timeoutMs, what: `an anchored checkpoint of size >= ${size}` });
    },
    close() {
      closing ??= (async () => {
        await app.close();
        await ownerDb.end();
        if (ownChain) await chain.close();
      })();
      return closing;
    },
  };
}
