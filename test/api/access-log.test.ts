// The access log: partner and auditor reads become v2 records of kind "access" in stream "@access", signed by the
// service key (LedgerAnchor role service), listed for auditors, anchored on-chain, verifiable with bundle/2 like
// any data record, and chained (device and stream chain) across a restart of the service.
import t from "tap";
import { ACCESS_STREAM, chainFactsQueryV2, checkRecord, recordHash, verifyBundleV2, type BundleV2, type FullRecord } from "../../core/index.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { readChainFactsV2 } from "./chain-facts-v2.ts";
import { startApiLedger, type ApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

type Entry = { index: number; hash: string; principal: string | null; principalId: number | null; route: string | null; filter: Record<string, unknown>; count: number | null; anchored: boolean };

const entriesOf = async (api: ApiLedger, key: string) => (await api.get("/v1/access-log?limit=1000", key)).json().entries as Entry[];

t.test("every partner read is an anchored, verifiable access record", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const device = await api.newDevice({ register: false });
  await api.enroll(device, "plant-1");
  const receipt = (await api.submit(device.envelope(api.domain, 6))).body;
  const partner = await api.principal("acme", "partner");
  await api.grant(partner.id, { site: "plant-1" });
  const auditor = await api.principal("regulator", "auditor");
  await api.waitAnchored(6);
  const status = await api.chain.ledger.getFunction("deviceStatus")(api.serviceKey.address);
  t.equal(Number(status.keyRole), 1, "the access log key is registered with the service role (registerServiceKey)");

  t.equal((await api.get("/v1/records?limit=4", partner.key)).json().records.length, 4);
  t.equal((await api.get(`/v1/records/${receipt.records[0]!.hash}`, partner.key)).statusCode, 200);
  t.equal((await api.get(`/v1/records/${receipt.records[1]!.hash}/proof`, partner.key)).statusCode, 200);
  t.equal((await api.get(`/v1/records/0x${"00".repeat(32)}`, partner.key)).statusCode, 404);
  const exported = (await api.get("/v1/export", partner.key)).body.split("\n").filter((l) => l.startsWith('{"type":"record"')).length;

  const entries = await waitFor(async () => {
    const mine = (await entriesOf(api, auditor.key)).filter((e) => e.principalId === partner.id);
    return mine.length === 5 ? mine : undefined;
  }, { what: "five access records of the partner (the export's is written when its stream ends)" });
  t.same(entries.map((e) => e.route), ["GET /v1/records", "GET /v1/records/:hash", "GET /v1/records/:hash/proof", "GET /v1/records/:hash", "GET /v1/export"]);
  t.same(entries.map((e) => e.count), [4, 1, 1, 0, exported]);
  t.equal(entries[0]!.filter.limit, 4, "the filter is recorded");
  t.equal(entries[3]!.filter.status, 404, "a miss is recorded too");
  t.equal(entries[0]!.principal, "partner:acme");

  const anchored = await waitFor(async () => {
    const mine = (await entriesOf(api, auditor.key)).filter((e) => e.principalId === partner.id);
    return mine.every((e) => e.anchored) ? mine : undefined;
  }, { what: "the access records anchored" });

  const proof = await api.get(`/v1/records/${anchored[4]!.hash}/proof`, auditor.key);
  t.equal(proof.statusCode, 200);
  const bundle = proof.json() as BundleV2;
  const record = bundle.record as FullRecord;
  t.equal(record.header.device, api.serviceKey.address.toLowerCase(), "signed by the service key");
  t.equal(record.header.kind, "access");
  t.equal(record.stream.name, ACCESS_STREAM);
  t.match(record.body, { principal: "partner:acme", route: "GET /v1/export", count: exported });
  const verdict = verifyBundleV2(bundle, await readChainFactsV2(api.chain, chainFactsQueryV2(bundle)));
  t.same(verdict.checks.filter((c) => !c.ok), [], "the access record verifies against LedgerAnchor (device_registered checks the service role)");

  // Partners never see access records.
  const partnerList = (await api.get("/v1/records?limit=1000", partner.key)).json().records as { record: FullRecord }[];
  t.ok(partnerList.every((r) => r.record.header.device === device.address), "partners never see access records");
  t.equal((await api.get(`/v1/records/${anchored[0]!.hash}`, partner.key)).statusCode, 404);
  t.equal((await api.get("/v1/records?kind=access", partner.key)).statusCode, 400, "nor ask for them");

  await t.test("no data is shown when its access record cannot be written", async (t) => {
    const service = api.serviceKey.address.toLowerCase().slice(2);
    await api.ownerDb.query(`ALTER TABLE envelopes ADD CONSTRAINT no_access_log CHECK (device <> '\\x${service}'::bytea) NOT VALID`);
    const refused = await api.get("/v1/records?limit=2", partner.key);
    t.equal(refused.statusCode, 503);
    t.equal(refused.json().code, "access_log_unavailable");
    t.notOk(refused.body.includes(receipt.records[0]!.hash), "no record in the refusal");
    t.equal((await api.get(`/v1/records/0x${"11".repeat(32)}`, partner.key)).statusCode, 404, "a miss still answers");
    await api.ownerDb.query("ALTER TABLE envelopes DROP CONSTRAINT no_access_log");
    t.equal((await api.get("/v1/records?limit=2", partner.key)).statusCode, 200, "served again once the log can be written");
  });
});

t.test("the @access stream keeps one id and one chain across a restart", async (t) => {
  const first = await startApiLedger();
  const { chain, database, serviceKey, adminKey } = first;
  t.teardown(() => chain.close());
  const auditor = await first.principal("auditor", "auditor");
  for (let i = 0; i < 3; i++) t.equal((await first.get("/v1/checkpoints", auditor.key)).statusCode, 200);
  await first.app.close(); // the service stops; chain and database stay
  await first.ownerDb.end();

  const second = await startApiLedger({ chain, database, api: { serviceKey, adminKey } });
  t.teardown(() => second.close());
  for (let i = 0; i < 2; i++) t.equal((await second.get("/v1/checkpoints", auditor.key)).statusCode, 200);
  await second.get("/v1/access-log", auditor.key);

  const rows = await second.ownerDb.query<{ seq: string; stream_seq: string; header: string; stream_name: string }>(
    "SELECT seq, stream_seq, header, stream_name FROM records_indexed WHERE device = $1 ORDER BY seq", [Buffer.from(serviceKey.address.slice(2), "hex")]);
  t.ok(rows.rows.length >= 6, `${rows.rows.length} access records`);
  const headers = rows.rows.map((r) => JSON.parse(r.header));
  t.ok(rows.rows.every((r) => r.stream_name === ACCESS_STREAM), "all in @access");
  t.ok(headers.every((h) => h.kind === "access"), "all of kind access");
  t.equal(new Set(headers.map((h) => h.stream)).size, 1, "one stream id before and after the restart");
  headers.forEach((h, i) => {
    t.equal(h.seq, i + 1, "device chain without gaps");
    t.equal(h.streamSeq, i + 1, "stream chain without gaps");
    t.equal(h.prev, i === 0 ? null : recordHash(headers[i - 1]), "prev chains");
    t.equal(h.streamPrev, i === 0 ? null : recordHash(headers[i - 1]), "streamPrev chains");
    if (i > 0) t.ok(h.from >= headers[i - 1].to, "in time order");
  });
  const detail = (await second.get(`/v1/records/${recordHash(headers.at(-1))}`, auditor.key)).json();
  t.equal(checkRecord(detail.record).openings, "full", "the stored access record opens its header");
});
