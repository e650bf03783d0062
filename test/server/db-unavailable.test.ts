// Which errors mean "the database is unreachable now, retry" (503 database_unavailable) — checked on errors
// that real pg connections raise, not on hand-made ones — and which are bugs or bad input (not retryable).
import pg from "pg";
import t from "tap";
import { isDatabaseUnavailable } from "../../server/db/unavailable.ts";
import { freePort } from "../../server/runtime/free-port.ts";
import { freshDatabase, stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

const caught = async (f: () => Promise<unknown>): Promise<unknown> => { try { await f(); } catch (err) { return err; } throw new Error("expected a failure"); };

t.test("connection failures are retryable", async (t) => {
  const refused = await caught(async () => {
    const pool = new pg.Pool({ connectionString: `postgres://x:y@127.0.0.1:${await freePort()}/db` });
    try { await pool.query("SELECT 1"); } finally { await pool.end(); }
  });
  t.ok(isDatabaseUnavailable(refused), `nobody listening: ${(refused as Error).message}`);

  const { ownerUrl } = await freshDatabase();
  const victim = new pg.Client({ connectionString: ownerUrl });
  victim.on("error", () => {});
  t.teardown(() => victim.end().catch(() => {}));
  await victim.connect();
  const pid = (await victim.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
  const admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  t.teardown(() => admin.end());
  const killed = caught(() => victim.query("SELECT pg_sleep(10)"));
  await new Promise((r) => setTimeout(r, 200));
  await admin.query("SELECT pg_terminate_backend($1)", [pid]);
  const terminated = await killed;
  t.equal((terminated as { code?: string }).code, "57P01", "pg_terminate_backend is admin_shutdown");
  t.ok(isDatabaseUnavailable(terminated), "a terminated session is retryable");
  const afterwards = await caught(() => victim.query("SELECT 1"));
  t.ok(isDatabaseUnavailable(afterwards), `a dead client's next query: ${(afterwards as Error).message}`);

  const timedOut = await caught(async () => {
    const pool = new pg.Pool({ connectionString: ownerUrl, max: 1, connectionTimeoutMillis: 100 });
    const held = await pool.connect();
    try { await pool.query("SELECT 1"); } finally { held.release(); await pool.end(); }
  });
  t.ok(isDatabaseUnavailable(timedOut), `no free connection in time: ${(timedOut as Error).message}`);
});

t.test("query errors and other failures are not", async (t) => {
  const { ownerUrl } = await freshDatabase();
  const pool = new pg.Pool({ connectionString: ownerUrl });
  t.teardown(() => pool.end());
  const syntax = await caught(() => pool.query("SELEC 1"));
  t.notOk(isDatabaseUnavailable(syntax), "syntax error (42601)");
  await pool.query("CREATE TABLE u (k int PRIMARY KEY)");
  await pool.query("INSERT INTO u VALUES (1)");
  t.notOk(isDatabaseUnavailable(await caught(() => pool.query("INSERT INTO u VALUES (1)"))), "unique violation (23505)");
  const chainDown = await caught(async () => fetch(`http://127.0.0.1:${await freePort()}/`));
  t.notOk(isDatabaseUnavailable(chainDown), "a refused fetch (a chain node down) is not the database");
  t.notOk(isDatabaseUnavailable(new Error("boom")), "a plain bug");
  t.notOk(isDatabaseUnavailable("ECONNREFUSED"), "not an error at all");
});
