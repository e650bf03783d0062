// Erasure through the admin API (issue 12) on a real ledger (PostgreSQL + anvil): POST /v1/admin/erasures writes
// an erasure record signed by the service key through ingest, then clears the openings through the privileged
// path. Afterwards the record routes serve the stub (or the personal-erased event), samples answer 409, and the
// proof bundle verifies with verifyBundleV2 against LedgerAnchor as "erased" / "personal_erased" — also for a
// partner. Bad input gets a 4xx with its code and path and writes nothing; a retry after a crash between the
// erasure record and the clearing finishes it.
import t from "tap";
import { chainFactsQueryV2, checkRecord, recordHash, verifyBundleV2, type BundleV2, type FullRecord } from "../../core/index.ts";
import { ErasureLog } from "../../server/api/erasure-log.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { readChainFactsV2 } from "./chain-facts-v2.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

const hashOf = (r: FullRecord) => recordHash(r.header);

t.test("erasure: admin API, stored forms, proofs, refusals, crash safety", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const device = await api.newDevice({ register: false });
  await api.enroll(device, "plant-1");
  const series = device.envelope(api.domain, 3, { samples: 4 });
  const reading = device.envelope(api.domain, 1, { make: "reading", stream: "PT-7.PV" });
  const events = device.envelope(api.domain, 3, { make: "event", asset: "pump1" });
  for (const env of [series, reading, events]) t.equal((await api.submit(env)).status, 201);
  await api.waitAnchored(7);
  const auditor = await api.principal("auditor", "auditor");
  const partner = await api.principal("acme", "partner");
  await api.grant(partner.id, { site: "plant-1" });
  const erase = (body: unknown, key = api.adminKey) => api.request("POST", "/v1/admin/erasures", key, body);
  const erasureCount = async () => Number((await api.ownerDb.query("SELECT count(*) AS n FROM records WHERE kind = 'erasure'")).rows[0].n);
  const [s0, s1, s2] = series.records as [FullRecord, FullRecord, FullRecord];
  const [e0, e1, e2] = events.records as [FullRecord, FullRecord, FullRecord];

  await t.test("bad input: a 4xx with its literal code and path, and nothing written", async (t) => {
    const cases: [unknown, number, string, unknown[]][] = [
      [{ record: "0x12", reason: "r" }, 400, "schema_invalid", ["record"]],
      [{ record: hashOf(s0) }, 400, "schema_invalid", ["reason"]],
      [{ record: hashOf(s0), reason: "" }, 400, "schema_invalid", ["reason"]],
      [{ record: hashOf(s0), reason: "\ud800" }, 400, "schema_invalid", ["reason"]],
      [{ record: hashOf(s0), reason: "r", scope: "all" }, 400, "schema_invalid", ["scope"]],
      [{ record: hashOf(s0), reason: "r", extra: 1 }, 400, "schema_invalid", []],
      [{ record: "0x" + "ab".repeat(32), reason: "r" }, 404, "not_found", ["record"]],
      [{ record: hashOf(s0), reason: "r", scope: "personal" }, 422, "erasure_scope_invalid", ["scope"]],
    ];
    for (const [body, status, code, path] of cases) {
      const res = await erase(body);
      t.equal(res.statusCode, status, `${JSON.stringify(body)} -> ${status}`);
      t.match(res.json(), { statusCode: status, code }, code);
      if (path.length > 0) t.same(res.json().path.slice(0, path.length), path, `path ${path.join(".")}`);
    }
    t.equal((await erase({ record: hashOf(s0), reason: "r" }, partner.key)).statusCode, 403, "admins only");
    t.equal((await erase({ record: hashOf(s0), reason: "r" }, auditor.key)).statusCode, 403);
    // A partner read wrote an access record: the service's own evidence is never a target.
    await api.get(`/v1/records/${hashOf(s0)}`, partner.key);
    const access = (await api.ownerDb.query("SELECT hash FROM records WHERE kind = 'access' LIMIT 1")).rows[0].hash as Buffer;
    t.match((await erase({ record: "0x" + access.toString("hex"), reason: "r" })).json(), { statusCode: 409, code: "erasure_target_invalid", path: ["record"] });
    t.equal(await erasureCount(), 0, "no erasure record was written");
    t.equal((await api.get(`/v1/records/${hashOf(s0)}`, auditor.key)).json().record.body !== undefined, true, "the body is still there");
  });

  await t.test("scope body: 201, the stub everywhere, samples 409, a retry answers 200 with the same erasure", async (t) => {
    const res = await erase({ record: hashOf(s1), reason: "GDPR art. 17 request #7" });
    t.equal(res.statusCode, 201);
    const erasure = res.json();
    t.match(erasure, { target: hashOf(s1), targetDevice: device.address, targetSeq: s1.header.seq, scope: "body", reason: "GDPR art. 17 request #7", requestedBy: "admin:admin", cleared: true });
    const stored = (await api.get(`/v1/records/${erasure.hash}`, auditor.key)).json().record;
    t.match(stored.header, { kind: "erasure", device: api.serviceKey.address.toLowerCase(), stream: String }, "the erasure record is in the log, signed by the service key");
    t.equal(stored.stream.name, "@erasure");
    for (const key of [auditor.key, partner.key]) {
      const detail = (await api.get(`/v1/records/${hashOf(s1)}`, key)).json();
      t.same(detail.record, { header: s1.header, stream: s1.stream }, "the stub: header and stream descriptor");
      t.equal(checkRecord(detail.record).openings, "stub");
      t.match((await api.get(`/v1/records/${hashOf(s1)}/samples`, key)).json(), { statusCode: 409, code: "record_body_erased", path: ["hash"] });
    }
    const again = await erase({ record: hashOf(s1), reason: "another reason" });
    t.equal(again.statusCode, 200, "idempotent");
    t.same(again.json(), erasure, "the existing erasure");
    t.equal(await erasureCount(), 1, "one erasure record");
    t.equal((await api.get(`/v1/records/${hashOf(s0)}/samples`, auditor.key)).statusCode, 200, "its neighbour keeps its samples");
    const logged = await api.ownerDb.query("SELECT body FROM records WHERE kind = 'access' AND body->'filter'->>'action' = 'erasure.create' ORDER BY seq");
    t.equal(logged.rows.length, 2, "both requests are in the access log");
    t.match(logged.rows[0].body, { principal: "admin:admin", route: "POST /v1/admin/erasures", filter: { erasure: erasure.hash, status: 201 } });
  });

  await t.test("scope personal: the event keeps its body; then personal again 200, body after it 201, personal after body 409", async (t) => {
    const res = await erase({ record: hashOf(e0), scope: "personal", reason: "actor left the company" });
    t.equal(res.statusCode, 201);
    const detail = (await api.get(`/v1/records/${hashOf(e0)}`, auditor.key)).json().record;
    const { personal: _p, personalSalt: _s, ...withoutPersonal } = e0;
    t.same(detail, withoutPersonal, "personal-erased: body and salt stay");
    t.equal(checkRecord(detail).openings, "personal_erased");
    t.equal((await erase({ record: hashOf(e0), scope: "personal", reason: "again" })).statusCode, 200);
    const body = await erase({ record: hashOf(e1), reason: "whole event" });
    t.equal(body.statusCode, 201);
    t.same((await api.get(`/v1/records/${hashOf(e1)}`, auditor.key)).json().record, { header: e1.header, stream: e1.stream });
    t.match((await erase({ record: hashOf(e1), scope: "personal", reason: "too late" })).json(), { statusCode: 409, code: "record_already_erased", path: ["record"], erasure: body.json().hash });
  });

  await t.test("a crash between the erasure record and the clearing: a retry finishes it", async (t) => {
    // What POST does up to the crash: the erasure record is committed, the openings not yet cleared.
    const log = new ErasureLog(api.app.ledger.db, api.domain, api.serviceKey);
    const written = await log.write({ target: hashOf(s2), targetDevice: device.address, targetSeq: s2.header.seq, scope: "body", reason: "interrupted", requestedBy: "admin:admin" }, new Date());
    const pending = (await api.get("/v1/admin/erasures", api.adminKey)).json().erasures.find((e: { hash: string }) => e.hash === written.hash);
    t.match(pending, { target: hashOf(s2), cleared: false }, "listed as pending");
    t.equal((await api.get(`/v1/records/${hashOf(s2)}/samples`, auditor.key)).statusCode, 200, "the body is still there");
    const retry = await erase({ record: hashOf(s2), reason: "interrupted" });
    t.equal(retry.statusCode, 200);
    t.match(retry.json(), { hash: written.hash, cleared: true });
    t.match((await api.get(`/v1/records/${hashOf(s2)}/samples`, auditor.key)).json(), { code: "record_body_erased" });
  });

  await t.test("GET /v1/admin/erasures lists them in log order, by page", async (t) => {
    const all = (await api.get("/v1/admin/erasures", api.adminKey)).json();
    t.same(all.erasures.map((e: { target: string; scope: string }) => [e.target, e.scope]), [[hashOf(s1), "body"], [hashOf(e0), "personal"], [hashOf(e1), "body"], [hashOf(s2), "body"]]);
    t.ok(all.erasures.every((e: { cleared: boolean }) => e.cleared), "every one cleared");
    t.equal(all.next, null);
    const page = (await api.get("/v1/admin/erasures?limit=2", api.adminKey)).json();
    t.equal(page.erasures.length, 2);
    const rest = (await api.get(`/v1/admin/erasures?after=${page.next}`, api.adminKey)).json();
    t.same([...page.erasures, ...rest.erasures], all.erasures);
    t.match((await api.get("/v1/admin/erasures?limit=0", api.adminKey)).json(), { statusCode: 400, code: "schema_invalid", path: ["limit"] });
    t.equal((await api.get("/v1/admin/erasures", partner.key)).statusCode, 403);
  });

  await t.test("proofs verify against LedgerAnchor: erased, personal_erased, with the erasure's own chain facts", async (t) => {
    const last = (await api.get("/v1/admin/erasures", api.adminKey)).json().erasures.at(-1).index as number;
    await api.waitAnchored(last + 1);
    const cases: [FullRecord, string, string][] = [[s1, "erased", auditor.key], [s1, "erased", partner.key], [e0, "personal_erased", auditor.key], [e1, "erased", partner.key], [s0, "full", auditor.key]];
    for (const [r, openings, key] of cases) {
      const res = await api.get(`/v1/records/${hashOf(r)}/proof`, key);
      t.equal(res.statusCode, 200);
      const bundle = res.json() as BundleV2;
      const facts = await readChainFactsV2(api.chain, chainFactsQueryV2(bundle));
      const verdict = verifyBundleV2(bundle, facts);
      t.same(verdict.checks.filter((c) => !c.ok), [], `${r.header.kind} seq ${r.header.seq}: every check passes`);
      t.equal(verdict.openings, openings, openings);
      if (openings !== "full") {
        t.equal(facts.erasure?.device.role, "service", "the erasure's signer is a service key on-chain");
        const forged = structuredClone(bundle);
        delete (forged as { erasure?: unknown }).erasure;
        t.equal(verifyBundleV2(forged, facts).openings, openings === "erased" ? "stub" : "personal_erased", "without its erasure it is no longer evidenced");
      }
    }
  });
});
