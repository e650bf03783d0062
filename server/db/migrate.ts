// Schema migrations (node-pg-migrate, SQL files in ./migrations), run as the database owner at startup.
import { join } from "node:path";
import pg from "pg";
import { runner } from "node-pg-migrate";

export const MIGRATIONS_DIR = join(import.meta.dirname, "migrations");
/** The role the service runs as: SELECT/INSERT on ledger tables, never UPDATE/DELETE. */
export const APP_ROLE = "otledger_app";

/** Applies pending migrations; concurrent replicas wait on node-pg-migrate's advisory lock. Returns applied names. */
export async function migrate(ownerUrl: string, log: (msg: string) => void = () => {}): Promise<string[]> {
  const applied = await runner({
    databaseUrl: ownerUrl,
    dir: MIGRATIONS_DIR,
    direction: "up",
    migrationsTable: "pgmigrations",
    advisoryLockMode: "wait",
    singleTransaction: true,
    log,
    logger: { debug: () => {}, info: log, warn: log, error: log },
  });
  return applied.map((m) => m.name);
}

/**
 * Lets the app role log in with `password` (embedded mode: the cluster is ours) and returns its connection string.
 * With an external database the operator provisions a login for the role instead (DATABASE_APP_URL).
 */
export async function enableAppLogin(ownerUrl: string, password: string): Promise<string> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${APP_ROLE} WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = encodeURIComponent(password);
  return url.toString();
}
