// Runs the service: bootstrap (embedded PostgreSQL / anvil when not configured), listen, and on SIGINT/SIGTERM
// close gracefully: stop accepting, drain in-flight requests and the current worker steps, then the embedded parts.
import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import { otledgerApi, apiOptionsFromEnv } from "./api/plugin.ts";
import { buildApp, type AppOptions } from "./app.ts";
import { loadConfig, type Config } from "./config.ts";
import { bootstrap, type Runtime } from "./runtime/bootstrap.ts";

export type StartServerOptions = {
  /** Environment to read the config from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Values that override the environment. */
  overrides?: Partial<Config>;
  routes?: AppOptions["routes"];
  /** Install SIGINT/SIGTERM handlers (default true; tests pass false and call close()). */
  handleSignals?: boolean;
  print?: (line: string) => void;
};

export type RunningServer = { app: FastifyInstance; url: string; runtime: Runtime; config: Config; close(): Promise<void> };

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const config = loadConfig(options.env ?? process.env, options.overrides);
  const runtime = await bootstrap(config, { gracefulSignals: options.handleSignals !== false });
  let app: FastifyInstance;
  try {
    app = await buildApp({ config, database: runtime.database, chain: runtime.chain, routes: options.routes });
    await app.register(otledgerApi, { ...(await apiOptionsFromEnv(options.env ?? process.env, runtime.dataDir)), print: options.print });
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (err) {
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
  const print = options.print ?? ((line: string) => process.stdout.write(line + "\n"));
  print(`otledger API    ${url}  (docs ${url}/docs; POST ${url}/v1/envelopes; ${url}/readyz; ${url}/metrics)`);
  print(`chain           ${chain.rpcUrl}  chainId ${chain.chainId}${runtime.embedded.chain ? "  (local anvil)" : ""}`);
  print(`LedgerAnchor    ${chain.contractAddress}`);
  print(`data directory  ${runtime.dataDir}${runtime.embedded.postgres ? "  (embedded PostgreSQL)" : ""}`);
  return { app, url, runtime, config, close };
}
