// The v2 record routes: stored forms, the v2 filters (kind, tag, asset, eventType, span overlap), the samples
// route against what the device signed, grant windows that cut a series, and bundle/2 from the proof route
// verified with verifyBundleV2 against chain facts read from LedgerAnchor (also for a stub whose body was erased).
import t from "tap";
import { checkRecord, recordHash, seriesSamples, verifyBundleV2, chainFactsQueryV2, type BundleV2, type FullRecord, type SeriesBody } from "../../core/index.ts";
import { StoredRecordSchema } from "../../server/api/schemas-records.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { readChainFactsV2 } from "./chain-facts-v2.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

t.test("v2 records: filters, samples, grant windows, bundle/2", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const device = await api.newDevice({ register: false });
  await api.enroll(device, "plant-1");
  // Series of 60 samples 1 s apart: [12:00:00, 12:00:59], [12:01:00, 12:01:59], [12:02:00, 12:02:59] on TT-101.PV.
  const series = device.envelope(api.domain, 3, { samples: 60 });
  const readings = device.envelope(api.domain, 2, { make: "reading", stream: "PT-7.PV" });
  const events = device.envelope(api.domain, 1, { make: "event", asset: "pump1" });
  const otherAsset = device.envelope(api.domain, 1, { make: "event", asset: "pump2" });
  for (const env of [series, readings, events, otherAsset]) t.equal((await api.submit(env)).status, 201);
  const all = [series, readings, events, otherAsset].flatMap((e) => e.records);
  const hashOf = (r: FullRecord) => recordHash(r.header);
  await api.waitAnchored(all.length);
  const auditor = await api.principal("auditor", "auditor");
  const list = async (query: string, key = auditor.key) => {
    const res = await api.get(`/v1/records?limit=1000&device=${device.address}${query}`, key);
    t.equal(res.statusCode, 200, query);
    return (res.json().records as { hash: string; record: unknown }[]);
  };

  await t.test("records are answered in their stored v2 form", async (t) => {
    const records = await list("");
    t.same(records.map((r) => r.hash), all.map(hashOf), "every record, in log order");
    t.same(records.map((r) => r.record), all, "the full records exactly as signed");
    for (const r of records) t.ok(StoredRecordSchema.safeParse(r.record).success, "the documented schema");
    const detail = (await api.get(`/v1/records/${hashOf(events.records[0]!)}`, auditor.key)).json();
    t.same(detail.record, events.records[0], "with the personal opening");
    t.same(detail.envelope.header, events.header);
  });

  await t.test("filters", async (t) => {
    const hashes = async (q: string) => (await list(q)).map((r) => r.hash);
    t.same(await hashes("&kind=series"), series.records.map(hashOf));
    t.same(await hashes("&kind=reading"), readings.records.map(hashOf));
    t.same(await hashes("&kind=event"), [...events.records, ...otherAsset.records].map(hashOf));
    t.same(await hashes("&tag=TT-101.PV"), series.records.map(hashOf), "tag: the stream name of series");
    t.same(await hashes("&tag=PT-7.PV&kind=reading"), readings.records.map(hashOf), "and of readings");
    t.same(await hashes("&asset=pump2"), otherAsset.records.map(hashOf), "asset: events of @events/<asset>");
    t.same(await hashes("&eventType=maintenance&asset=pump1"), events.records.map(hashOf));
    t.same(await hashes("&eventType=alarm"), []);
    // Span overlap: [12:00:59.500, 12:01:00.500) meets series 0 (ends 12:00:59) no, series 1 (starts 12:01:00) yes.
    t.same(await hashes("&tag=TT-101.PV&from=2026-11-24T12:00:59.500Z&to=2026-11-24T12:01:00.500Z"), [hashOf(series.records[1]!)], "a window meeting one series");
    t.same(await hashes("&tag=TT-101.PV&from=2026-11-24T12:00:30.000Z&to=2026-11-24T12:01:00.001Z"), series.records.slice(0, 2).map(hashOf), "a window meeting two series at their edges");
    t.same(await hashes("&tag=TT-101.PV&from=2026-11-24T12:00:59.000Z&to=2026-11-24T12:01:00.000Z"), [hashOf(series.records[0]!)], "from is inclusive (header.to = from), to exclusive (header.from = to)");
  });

  await t.test("samples: series and readings round-trip exactly; events 409; out of scope 404", async (t) => {
    const s = series.records[1]!;
    const res = await api.get(`/v1/records/${hashOf(s)}/samples`, auditor.key);
    t.equal(res.statusCode, 200);
    const body = res.json();
    const signed = seriesSamples(s.header, s.body as SeriesBody);
    t.equal(body.samples.length, 60);
    t.same(body.samples.map((x: { time: string }) => Date.parse(x.time)), signed.map((x) => x.t), "times as signed (from + Σ dt)");
    t.same(body.samples.map((x: { value: unknown }) => x.value), signed.map((x) => x.value), "values as signed");
    t.same(body.samples.map((x: { serverTime: string | null }) => x.serverTime === null ? null : Date.parse(x.serverTime)), signed.map((x) => x.serverTs), "server times");
    t.same(body.samples.map((x: { i: number }) => x.i), [...Array(60).keys()]);
    t.match(body, { hash: hashOf(s), stream: "TT-101.PV", nodeId: "ns=2;s=TT-101.PV", unit: "°C", dataType: "Double" });
    t.equal(body.samples[0].time, s.header.from, "sample 0 at header.from");
    t.equal(body.samples[59].time, s.header.to, "the last at header.to");

    const r = readings.records[0]!;
    const reading = (await api.get(`/v1/records/${hashOf(r)}/samples`, auditor.key)).json();
    t.same(reading.samples, [{ i: 0, time: r.header.from, serverTime: r.header.from, status: 0, value: (r.body as { value: unknown }).value }], "a reading is one sample");

    const ev = await api.get(`/v1/records/${hashOf(events.records[0]!)}/samples`, auditor.key);
    t.equal(ev.statusCode, 409);
    t.match(ev.json(), { statusCode: 409, code: "record_has_no_samples", path: ["hash"] });

    const partner = await api.principal("events only", "partner");
    await api.grant(partner.id, { kind: "event" });
    t.match((await api.get(`/v1/records/${hashOf(s)}/samples`, partner.key)).json(), { statusCode: 404, code: "not_found" }, "out of scope");
    t.match((await api.get(`/v1/records/0x${"00".repeat(32)}/samples`, auditor.key)).json(), { statusCode: 404, code: "not_found" }, "unknown");
  });

  await t.test("a grant window covers a record only if its whole span is inside", async (t) => {
    const p = await api.principal("window", "partner");
    // [12:00:30, 12:02:00): cuts series 0 (from 12:00:00), holds series 1 [12:01:00, 12:01:59], cuts series 2 (to 12:02:59).
    await api.grant(p.id, { from: "2026-11-24T12:00:30.000Z", to: "2026-11-24T12:02:00.000Z" });
    const seen = (await list("&kind=series", p.key)).map((r) => r.hash);
    t.same(seen, [hashOf(series.records[1]!)], "only the series wholly inside");
    t.equal((await api.get(`/v1/records/${hashOf(series.records[0]!)}/samples`, p.key)).statusCode, 404, "a cut series' samples are not shown");
    t.equal((await api.get(`/v1/records/${hashOf(series.records[2]!)}/proof`, p.key)).statusCode, 404);
    t.equal((await api.get(`/v1/records/${hashOf(series.records[1]!)}/samples`, p.key)).statusCode, 200);
  });

  await t.test("bundle/2 from the proof route verifies against LedgerAnchor", async (t) => {
    for (const r of [series.records[0]!, readings.records[1]!, events.records[0]!]) {
      const res = await api.get(`/v1/records/${hashOf(r)}/proof`, auditor.key);
      t.equal(res.statusCode, 200);
      const bundle = res.json() as BundleV2;
      t.equal(bundle.version, "otledger.bundle/2");
      t.same(bundle.record, r, "the full record");
      const facts = await readChainFactsV2(api.chain, chainFactsQueryV2(bundle));
      const verdict = verifyBundleV2(bundle, facts);
      t.same(verdict.checks.filter((c) => !c.ok), [], `${r.header.kind}: every check passes`);
      t.equal(verdict.openings, "full");
      t.notOk(verdict.checks.some((c) => c.skipped), "anchor tx read too");
      const tampered = structuredClone(bundle);
      (tampered.record as FullRecord).salt = "0x" + "00".repeat(16);
      t.same(verifyBundleV2(tampered, facts).checks.filter((c) => !c.ok).map((c) => c.code), ["body_commitment_mismatch"], "a changed opening");
    }
  });

  await t.test("an erased body: a stub everywhere, samples 409, its bundle still verifies", async (t) => {
    const target = series.records[2]!;
    // A body gone without an erasure record (the owner bypassing the guard): a stub, never "erased"
    // (the real procedure, POST /v1/admin/erasures, is test/api/erasure.test.ts).
    await api.ownerDb.query("ALTER TABLE records DISABLE TRIGGER records_append_only");
    await api.ownerDb.query("UPDATE records SET salt = NULL, body = NULL WHERE hash = $1", [Buffer.from(hashOf(target).slice(2), "hex")]);
    await api.ownerDb.query("ALTER TABLE records ENABLE TRIGGER records_append_only");
    const detail = (await api.get(`/v1/records/${hashOf(target)}`, auditor.key)).json();
    t.same(detail.record, { header: target.header, stream: target.stream }, "the stub: header and stream descriptor");
    t.equal(checkRecord(detail.record).openings, "stub");
    t.match((await api.get(`/v1/records/${hashOf(target)}/samples`, auditor.key)).json(), { statusCode: 409, code: "record_body_erased" });
    const bundle = (await api.get(`/v1/records/${hashOf(target)}/proof`, auditor.key)).json() as BundleV2;
    const verdict = verifyBundleV2(bundle, await readChainFactsV2(api.chain, chainFactsQueryV2(bundle)));
    t.ok(verdict.ok, "a stub verifies like its full record");
    t.equal(verdict.openings, "stub", "reported as a stub (no erasure record)");
    const exported = await waitFor(async () => {
      const lines = (await api.get("/v1/export", auditor.key)).body.trim().split("\n").map((l) => JSON.parse(l));
      return lines.find((l) => l.type === "record" && l.hash === hashOf(target));
    }, { what: "the stub in the export" });
    t.same(exported.record, { header: target.header, stream: target.stream }, "the export carries the stored form");
  });
});
