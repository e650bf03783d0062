// The privileged erasure path (migration 0102): otledger_erase, run as the app role, clears exactly the openings
// an erasure record in the log names — and nothing else can: the app role has no UPDATE, the owner's own UPDATEs
// and DELETEs are still refused by the guard, and the function refuses a missing, mismatched or earlier erasure.
import t from "tap";
import pg from "pg";
import { recordHash, type ErasureBody, type FullRecord } from "../../core/index.ts";
import { erasureRecord } from "../auditor/fixture/service-records.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

const bytes = (hex: string) => Buffer.from(hex.slice(2), "hex");

t.test("otledger_erase clears only what a later erasure record names", async (t) => {
  const ledger = await startTestLedger({ listen: false });
  t.teardown(() => ledger.close());
  const app = new pg.Client({ connectionString: ledger.database.appUrl });
  await app.connect();
  t.teardown(() => app.end());
  const device = await ledger.newDevice();
  const service = await ledger.newDevice({ role: "service" });
  const series = device.envelope(ledger.domain, 2);
  const event = device.envelope(ledger.domain, 1, { make: "event", asset: "pump1" });
  for (const env of [series, event]) t.equal((await ledger.submit(env)).status, 201);
  const [s0, s1] = series.records as [FullRecord, FullRecord];
  const ev = event.records[0]!;
  const erasureOf = (target: FullRecord, scope: ErasureBody["scope"]) => erasureRecord(service, {
    target: recordHash(target.header), targetDevice: target.header.device, targetSeq: target.header.seq, scope, reason: "test", requestedBy: "admin:test",
  });
  const submitErasure = async (r: FullRecord) => {
    t.equal((await ledger.submit(service.sign(ledger.domain, [r]))).status, 201, "the erasure record is ingested");
    return bytes(recordHash(r.header));
  };
  const erase = (target: FullRecord, scope: string, erasure: Buffer) =>
    app.query<{ changed: boolean }>("SELECT otledger_erase($1, $2, $3) AS changed", [bytes(recordHash(target.header)), scope, erasure]);
  const row = async (r: FullRecord) => (await ledger.ownerDb.query(
    "SELECT salt IS NOT NULL AS salt, body IS NOT NULL AS body, personal IS NOT NULL AS personal, personal_salt IS NOT NULL AS personal_salt, header FROM records_indexed WHERE hash = $1",
    [bytes(recordHash(r.header))])).rows[0];

  await t.test("the app role cannot UPDATE records, the owner is still refused by the guard", async (t) => {
    await t.rejects(app.query("UPDATE records SET body = NULL, salt = NULL WHERE hash = $1", [bytes(recordHash(s0.header))]), { code: "42501" });
    await t.rejects(ledger.ownerDb.query("UPDATE records SET body = NULL, salt = NULL WHERE hash = $1", [bytes(recordHash(s0.header))]), /append-only/);
    await t.rejects(ledger.ownerDb.query("DELETE FROM records WHERE hash = $1", [bytes(recordHash(s0.header))]), /append-only/);
    // The setting alone does not open the table to anything else than nulling openings.
    const c = await ledger.ownerDb.connect();
    try {
      await c.query("BEGIN");
      await c.query("SELECT set_config('otledger.erase_target', $1, true)", [recordHash(s0.header).slice(2)]);
      await t.rejects(c.query("UPDATE records SET ts = now() WHERE hash = $1", [bytes(recordHash(s0.header))]), /append-only/, "a header column");
    } finally {
      await c.query("ROLLBACK");
      c.release();
    }
    t.match(await row(s0), { salt: true, body: true });
  });

  await t.test("refusals: no erasure record, a mismatched one, a wrong scope", async (t) => {
    await t.rejects(erase(s0, "body", bytes(recordHash(s1.header))), { code: "OTL01", message: /erasure_record_invalid/ }, "a record that is no erasure");
    await t.rejects(erase(s0, "body", Buffer.alloc(32, 7)), { code: "OTL01", message: /erasure_record_invalid/ }, "an unknown hash");
    await t.rejects(erase(s0, "personal", Buffer.alloc(32, 7)), { code: "OTL01", message: /erasure_scope_invalid/ }, "personal scope on a series");
    await t.rejects(erase(s0, "all", Buffer.alloc(32, 7)), { code: "OTL01", message: /erasure_scope_invalid/ });
    const forS1 = await submitErasure(erasureOf(s1, "body"));
    await t.rejects(erase(s0, "body", forS1), { code: "OTL01", message: /erasure_record_invalid/ }, "an erasure of another record");
    const rows = await ledger.ownerDb.query("SELECT hash FROM records WHERE kind = 'erasure'");
    await t.rejects(app.query("SELECT otledger_erase($1, 'body', $1)", [rows.rows[0].hash]), { code: "OTL01", message: /erasure_target_invalid/ }, "an erasure record is never a target");
    t.match(await row(s0), { salt: true, body: true }, "nothing cleared");
  });

  await t.test("scope body clears salt and body; the header stays; a retry is a no-op", async (t) => {
    const before = await row(s1);
    const e = (await ledger.ownerDb.query("SELECT hash FROM records WHERE kind = 'erasure' ORDER BY seq DESC LIMIT 1")).rows[0].hash as Buffer;
    t.same((await erase(s1, "body", e)).rows[0], { changed: true });
    t.same(await row(s1), { salt: false, body: false, personal: false, personal_salt: false, header: before.header });
    t.same((await erase(s1, "body", e)).rows[0], { changed: false }, "idempotent");
    t.match(await row(s0), { salt: true, body: true }, "its neighbour is untouched");
  });

  await t.test("scope personal clears only the event's personal opening; then body clears the rest", async (t) => {
    const personal = await submitErasure(erasureOf(ev, "personal"));
    await t.rejects(erase(ev, "body", personal), { code: "OTL01", message: /erasure_record_invalid/ }, "the scope must be the record's");
    t.same((await erase(ev, "personal", personal)).rows[0], { changed: true });
    t.match(await row(ev), { salt: true, body: true, personal: false, personal_salt: false });
    const body = await submitErasure(erasureOf(ev, "body"));
    t.same((await erase(ev, "body", body)).rows[0], { changed: true });
    t.match(await row(ev), { salt: false, body: false, personal: false, personal_salt: false });
  });
});
