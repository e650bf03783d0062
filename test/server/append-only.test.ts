// The ledger tables are append-only: the app role may only SELECT and INSERT; even the owner's UPDATE,
// DELETE and TRUNCATE are refused by triggers. The log's leaves are derived from records (migration 0110): the
// `leaves` view is read-only for everyone.
import t from "tap";
import pg from "pg";
import { migratedDatabase, stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

/** Each ledger table with one of its columns (to write an UPDATE that would otherwise be valid). */
const LEDGER_TABLES: [string, string][] = [
  ["envelopes", "id"], ["records", "seq"], ["merkle_nodes", "hash"], ["checkpoints", "root"],
  ["anchor_txs", "id"], ["anchors", "id"], ["equivocations", "id"],
];

t.test("UPDATE, DELETE and TRUNCATE are refused", async (t) => {
  const { ownerUrl, appUrl } = await migratedDatabase();
  const app = new pg.Client({ connectionString: appUrl });
  const owner = new pg.Client({ connectionString: ownerUrl });
  await app.connect();
  await owner.connect();
  t.teardown(async () => { await app.end(); await owner.end(); });

  t.equal((await app.query("SELECT current_user AS u")).rows[0].u, "otledger_app", "the service's role");
  await app.query("INSERT INTO merkle_nodes (level, idx, hash) VALUES (8, 0, $1)", [Buffer.alloc(32, 1)]);
  await app.query("INSERT INTO checkpoints (idx, tree_size, root) VALUES (0, 1, $1)", [Buffer.alloc(32, 2)]);
  t.equal((await app.query("SELECT count(*)::int AS n FROM merkle_nodes")).rows[0].n, 1, "the app role may insert and read");
  t.equal((await app.query("SELECT count(*)::int AS n FROM leaves")).rows[0].n, 0, "and read the derived leaves");
  await t.rejects(app.query("INSERT INTO leaves (idx, hash) VALUES (0, $1)", [Buffer.alloc(32, 1)]), /cannot insert into view|permission denied/, "app role: the leaves view takes no INSERT");
  await t.rejects(owner.query("INSERT INTO leaves (idx, hash) VALUES (0, $1)", [Buffer.alloc(32, 1)]), /cannot insert into view/, "owner: neither (a join view)");

  for (const [table, column] of LEDGER_TABLES) {
    await t.rejects(app.query(`UPDATE ${table} SET ${column} = ${column}`), { code: "42501" }, `app role: UPDATE ${table} refused`);
    await t.rejects(app.query(`DELETE FROM ${table}`), { code: "42501" }, `app role: DELETE ${table} refused`);
    await t.rejects(app.query(`TRUNCATE ${table} CASCADE`), { code: "42501" }, `app role: TRUNCATE ${table} refused`);
  }
  await t.rejects(owner.query("UPDATE merkle_nodes SET hash = $1 WHERE idx = 0", [Buffer.alloc(32, 9)]), /append-only/, "owner: UPDATE refused by the trigger");
  await t.rejects(owner.query("DELETE FROM checkpoints"), /append-only/, "owner: DELETE refused by the trigger");
  await t.rejects(owner.query("TRUNCATE merkle_nodes"), /append-only/, "owner: TRUNCATE refused by the trigger");
  t.same((await owner.query("SELECT encode(hash, 'hex') AS h FROM merkle_nodes")).rows, [{ h: "01".repeat(32) }], "the row is unchanged");
  await app.query("UPDATE devices SET revoked = revoked"); // the registry mirror is a cache and may change
  t.pass("the devices mirror stays writable");
});
