// The full audit after erasures made through the real service (issue 12): records erased with POST
// /v1/admin/erasures — and one whose erasure record was committed just before the service stopped, finished by
// the next start — are reported erased with their erasure records, no finding. The drill: on a copy of the
// database, a superuser clears a body and an event's personal fields without an erasure record; the audit of
// that copy reports BODY_MISSING and PERSONAL_MISSING for exactly those, never "erased".
import t from "tap";
import { recordHash, type FullRecord } from "../../core/index.ts";
import { ErasureLog } from "../../server/api/erasure-log.ts";
import { startTestChain } from "../helpers/chain.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { codesOf } from "./fixture/audit-lines.ts";
import { auditTamperedCopy, newServiceKeys, startService } from "./fixture/drill-service.ts";

const chain = await startTestChain();
t.teardown(async () => {
  await chain.close();
  await stopTestCluster();
});
const keys = newServiceKeys();
const hashOf = (r: FullRecord) => recordHash(r.header);
const bytes = (hex: string) => Buffer.from(hex.slice(2), "hex");

const first = await startService(chain, keys);
const device = await first.newDevice();
const series = device.envelope(first.domain, 4, { samples: 4 });
const events = device.envelope(first.domain, 2, { make: "event", asset: "pump1" });
for (const env of [series, events]) if ((await first.submit(env)).status !== 201) throw new Error("fixture submit");
const [s0, s1, s2] = series.records as [FullRecord, FullRecord, FullRecord];
const [e0, e1] = events.records as [FullRecord, FullRecord];
const erase = async (record: FullRecord, scope: "body" | "personal") => {
  const res = await first.app.inject({ method: "POST", url: "/v1/admin/erasures", headers: { authorization: `Bearer ${keys.adminKey}` }, payload: { record: hashOf(record), scope, reason: `erase ${scope}` } });
  if (res.statusCode !== 201) throw new Error(`erase: ${res.statusCode} ${res.body}`);
  return res.json() as { hash: string; index: number };
};
const bodyErasure = await erase(s1, "body");
const personalErasure = await erase(e0, "personal");
// The crash: the erasure record of s2 is committed, then the service stops before the privileged path runs.
const pending = await new ErasureLog(first.app.ledger.db, first.domain, keys.serviceKey)
  .write({ target: hashOf(s2), targetDevice: device.address, targetSeq: s2.header.seq, scope: "body", reason: "interrupted", requestedBy: "admin:admin" }, new Date());
const stillThere = (await first.ownerDb.query("SELECT body IS NOT NULL AS b FROM records WHERE hash = $1", [bytes(hashOf(s2))])).rows[0].b as boolean;
await first.close();

// The next start finishes it.
const second = await startService(chain, keys, { database: first.database });
const cleared = (await second.ownerDb.query("SELECT body IS NULL AS b FROM records WHERE hash = $1", [bytes(hashOf(s2))])).rows[0].b as boolean;
await second.waitAnchored(pending.index + 1);
await second.close(); // its database is the template of the audits below

t.test("a restart finishes an erasure whose record was committed before the stop", async (t) => {
  t.ok(stillThere, "before the restart the body was still stored");
  t.ok(cleared, "after it, cleared");
});

t.test("the full audit lists the erased records with their erasure records, and no finding", async (t) => {
  const report = await auditTamperedCopy(chain, keys, second);
  t.same(codesOf(report), [], "no finding");
  t.match(report.openings, { erased: 3, stubs: 0, invalid: 0 });
  const erased = Object.fromEntries(report.erased.map((e) => [e.hash, e]));
  t.match(erased[hashOf(s1)], { scope: "body", kind: "series", erasure: { hash: bodyErasure.hash, index: bodyErasure.index, reason: "erase body", requestedBy: "admin:admin", signer: keys.serviceKey.address.toLowerCase() } });
  t.match(erased[hashOf(e0)], { scope: "personal", kind: "event", erasure: { hash: personalErasure.hash, reason: "erase personal" } });
  t.match(erased[hashOf(s2)], { scope: "body", erasure: { hash: pending.hash, reason: "interrupted" } });
});

t.test("drill: openings cleared by a superuser without an erasure record are missing data, not erased", async (t) => {
  const report = await auditTamperedCopy(chain, keys, second, async (db) => {
    await db.query("UPDATE records SET salt = NULL, body = NULL WHERE hash = $1", [bytes(hashOf(s0))]);
    await db.query("UPDATE records SET personal = NULL, personal_salt = NULL WHERE hash = $1", [bytes(hashOf(e1))]);
  });
  t.same(codesOf(report).sort(), ["BODY_MISSING", "PERSONAL_MISSING"]);
  t.match(report.findings.find((f) => f.code === "BODY_MISSING"), { device: device.address, seq: s0.header.seq });
  t.match(report.findings.find((f) => f.code === "PERSONAL_MISSING"), { device: device.address, seq: e1.header.seq });
  t.equal(report.openings.erased, 3, "the real erasures are still erased");
  t.notOk(report.erased.some((e) => e.hash === hashOf(s0) || e.hash === hashOf(e1)), "the tampered ones are not listed as erased");
});
