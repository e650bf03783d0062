// Runs the service: start-up checks (DATA_DIR lock, PORT, DATA_DIR reachable by PostgreSQL) before anything starts,
// bootstrap (embedded PostgreSQL / anvil when not configured), listen, and on SIGINT/SIGTERM close gracefully:
// stop accepting, drain in-flight requests and the current worker steps, then the embedded parts.
import { resolve } from "node:path";
import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { otledgerApi, apiOptionsFromEnv } from "./api/plugin.ts";
import { buildApp, type AppOptions } from "./app.ts";
import { loadConfig, type Config } from "./config.ts";
import { bootstrap, type Runtime, type RuntimeLog } from "./runtime/bootstrap.ts";
import { createLogger } from "./runtime/logger.ts";
import { checkListenable, checkPostgresCanEnter, ensureDataDir, listenError } from "./runtime/preflight.ts";
import { lockDataDir } from "./runtime/service-lock.ts";

export type StartServerOptions = {
  /** Environment to read the config from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Values that override the environment. */
  overrides?: Partial<Config>;
  routes?: AppOptions["routes"];
  /** Install SIGINT/SIGTERM handlers (default true; tests pass false and call close()). */
  handleSignals?: boolean;
  /** The banner and the one-time admin key: for a human, so stderr by default (stdout carries the logs). */
  print?: (line: string) => void;
};

export type RunningServer = { app: FastifyInstance; url: string; runtime: Runtime; config: Config; close(): Promise<void> };

const runtimeLog = (logger: Logger): RuntimeLog => {
  const log = logger.child({ component: "runtime" });
  return { debug: (msg, data) => log.debug(data ?? {}, msg), info: (msg, data) => log.info(data ?? {}, msg), warn: (msg, data) => log.warn(data ?? {}, msg), error: (msg, data) => log.error(data ?? {}, msg) };
};

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const config = loadConfig(env, options.overrides);
  const print = options.print ?? ((line: string) => process.stderr.write(line + "\n"));
  const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const dataDir = resolve(config.DATA_DIR);
  ensureDataDir(dataDir);
  const lock = lockDataDir(dataDir);
  try {
    await checkListenable(config.HOST, config.PORT);
    if (config.DATABASE_URL === undefined) checkPostgresCanEnter(dataDir);
  } catch (err) {
    lock.release();
    throw err;
  }
  if (lock.deadPredecessor !== undefined) logger.warn({ previousPid: lock.deadPredecessor, dataDir }, "the previous otledger on this DATA_DIR did not stop cleanly; stopping whatever it left running");
  const runtime = await bootstrap(config, { lock, log: runtimeLog(logger) });
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({ config, database: runtime.database, chain: runtime.chain, routes: options.routes }, { loggerInstance: logger });
    await app.register(otledgerApi, { ...(await apiOptionsFromEnv(env, runtime.dataDir)), print });
    await app.listen({ port: config.PORT, host: config.HOST }).catch((err: unknown) => { throw listenError(err, config.HOST, config.PORT) ?? err; });
  } catch (err) {
    await app?.close().catch(() => {});
    await runtime.stop();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST}:${port}`;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= app.close().then(() => runtime.stop()));
  if (options.handleSignals !== false) {
    closeWithGrace({ delay: 20_000 }, async ({ err, signal }) => {
      if (err !== undefined) app.log.error({ err }, "closing after an error");
      else app.log.info({ signal }, "closing");
      await close();
    });
  }
  const { chain } = app.ledger;
  print(`otledger API    ${url}  (docs ${url}/docs; POST ${url}/v1/envelopes; ${url}/readyz; ${url}/metrics)`);
  print(`chain           ${chain.rpcUrl}  chainId ${chain.chainId}${runtime.embedded.chain ? "  (local anvil)" : ""}`);
  print(`LedgerAnchor    ${chain.contractAddress}`);
  print(`data directory  ${runtime.dataDir}${runtime.embedded.postgres ? "  (embedded PostgreSQL)" : ""}`);
  return { app, url, runtime, config, close };
}
