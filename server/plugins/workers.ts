// Background work that must run once among all replicas: the integrator and the anchorer, started when this
// replica wins the PostgreSQL advisory-lock election and drained (current step finished) on close.
import fp from "fastify-plugin";
import { Anchorer, AnchorMismatchError } from "../chain/anchorer.ts";
import { Integrator } from "../log/integrator.ts";
import { LeaderElection } from "../runtime/leader.ts";
import { Loop } from "../runtime/loop.ts";

export type WorkersPluginOptions = { leaderUrl: string; electionRetryMs?: number };

export const workersPlugin = fp<WorkersPluginOptions>(async (app, opts) => {
  const { db, chain, config, metrics } = app.ledger;
  const log = app.log.child({ component: "leader" });
  const leader = new LeaderElection({
    connectionString: opts.leaderUrl,
    retryMs: opts.electionRetryMs ?? 2000,
    log: (msg, data) => log.info(data ?? {}, msg),
    lead: async () => {
      const integrator = new Integrator(db, { intervalMs: config.CHECKPOINT_INTERVAL_MS, maxLeaves: config.CHECKPOINT_MAX_LEAVES });
      await integrator.resume();
      const integrate = new Loop("integrator", async () => {
        const { integrated, checkpoint } = await integrator.step();
        if (checkpoint !== undefined) { metrics.checkpoints.inc(); anchor.poke(); }
        return integrated > 0;
      }, { idleMs: Math.min(200, config.CHECKPOINT_INTERVAL_MS), onError: (err) => log.error({ err }, "integrator step failed") });
      const anchorer = new Anchorer(db, chain, { confirmations: config.CONFIRMATIONS, txTimeoutMs: config.ANCHOR_TX_TIMEOUT_MS, pollMs: config.CHAIN_POLL_INTERVAL_MS }, {
        log: (msg, data) => log.info(data ?? {}, msg),
        onAnchored: () => metrics.anchors.inc(),
      });
      const anchor = new Loop("anchorer", () => anchorer.step(), {
        idleMs: config.CHAIN_POLL_INTERVAL_MS,
        maxBackoffMs: 5000,
        onError: (err, n) => {
          metrics.chainErrors.inc({ component: "anchorer" });
          if (err instanceof AnchorMismatchError) log.error({ err: err.message }, "anchoring refused: the chain disagrees with the local log");
          else if (n <= 3 || n % 20 === 0) log.warn({ err: (err as Error).message, failures: n }, "anchorer step failed; retrying");
        },
      });
      integrate.start();
      anchor.start();
      return { stop: async () => { anchorer.stop(); await Promise.all([integrate.stop(), anchor.stop()]); } };
    },
  });
  app.ledger.leader = leader;
  leader.start();
  app.addHook("onClose", async () => { await leader.stop(); });
}, { name: "otledger-workers", fastify: "5.x", dependencies: ["otledger-ledger"] });
