// What the app's plugins share, decorated on the Fastify instance as `app.ledger` (the API routes use it too).
import type pg from "pg";
import type { Eip712DomainV2 } from "../core/index.ts";
import type { ChainConnection } from "./chain/connection.ts";
import type { DeviceRegistry } from "./chain/registry.ts";
import type { Config } from "./config.ts";
import type { VerifyPool } from "./ingest/verify-pool.ts";
import type { LedgerMetrics } from "./ops/metrics.ts";
import type { LeaderElection } from "./runtime/leader.ts";

export type LedgerContext = {
  config: Config;
  /** Pool acting as the append-only app role. */
  db: pg.Pool;
  chain: ChainConnection;
  registry: DeviceRegistry;
  /** EIP-712 domain of v2 envelopes (version "2", this chain and LedgerAnchor). */
  domain: Eip712DomainV2;
  metrics: LedgerMetrics;
  /** Envelope verification (worker threads). */
  verifier: VerifyPool;
  /** Set once the workers plugin registered: leader election for the integrator and anchorer. */
  leader?: LeaderElection;
};

declare module "fastify" {
  interface FastifyInstance {
    ledger: LedgerContext;
  }
}
