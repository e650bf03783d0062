// `otledger server`: the commander command the CLI wires in; also the entry of `npm start`.
import type { Command } from "commander";
import { ConfigError } from "./config.ts";
import { StartupError } from "./runtime/startup-error.ts";
import { startServer } from "./server.ts";

export function registerServerCommand(program: Command): Command {
  return program
    .command("server")
    .description("run the ledger service (embedded PostgreSQL and a local anvil chain unless DATABASE_URL / CHAIN_RPC_URL are set)")
    .option("-p, --port <port>", "listen port (PORT)")
    .option("--host <host>", "listen address (HOST)")
    .option("--data-dir <dir>", "data directory (DATA_DIR)")
    .action(async (flags: { port?: string; host?: string; dataDir?: string }) => {
      const env = { ...process.env };
      if (flags.port !== undefined) env.PORT = flags.port;
      if (flags.host !== undefined) env.HOST = flags.host;
      if (flags.dataDir !== undefined) env.DATA_DIR = flags.dataDir;
      await runServer(env);
    });
}

/** Starts the service, turning a bad configuration or a start-up mistake into a clear message and exit code 2. */
export async function runServer(env: Record<string, string | undefined> = process.env): Promise<void> {
  try {
    await startServer({ env });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StartupError) {
      process.stderr.write(`otledger: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
