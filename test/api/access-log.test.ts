// The access log: partner and auditor reads become records of the service's own device, listed for auditors,
// anchored on-chain, and verifiable with proof bundles like any data record.
import t from "tap";
import { verifyBundle, type Bundle } from "../../core/index.ts";
import { connectLedgerAnchor } from "../../auditor/chain-facts.ts";
import { readChainFacts } from "../../auditor/verify/read-facts.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

type Entry = { index: number; hash: string; principalId: number | null; route: string | null; filter: Record<string, unknown>; count: number | null; anchored: boolean; actor: string };

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

  t.equal((await api.get("/v1/records?limit=4", partner.key)).json().records.length, 4);
  t.equal((await api.get(`/v1/records/${receipt.records[0]!.hash}`, partner.key)).statusCode, 200);
  t.equal((await api.get(`/v1/records/${receipt.records[1]!.hash}/proof`, partner.key)).statusCode, 200);
  t.equal((await api.get(`/v1/records/0x${"00".repeat(32)}`, partner.key)).statusCode, 404);
  const exported = (await api.get("/v1/export", partner.key)).body.split("\n").filter((l) => l.startsWith('{"type":"record"')).length;

  const entries = await waitFor(async () => {
    const res = await api.get("/v1/access-log?limit=1000", auditor.key);
    const mine = (res.json().entries as Entry[]).filter((e) => e.principalId === partner.id);
    return mine.length === 5 ? mine : undefined;
  }, { what: "five access records of the partner (the export's is written when its stream ends)" });
  t.same(entries.map((e) => e.route), ["GET /v1/records", "GET /v1/records/:hash", "GET /v1/records/:hash/proof", "GET /v1/records/:hash", "GET /v1/export"]);
  t.same(entries.map((e) => e.count), [4, 1, 1, 0, exported]);
  t.equal(entries[0]!.filter.limit, 4, "the filter is recorded");
  t.equal(entries[3]!.filter.status, 404, "a miss is recorded too");
  t.equal(entries[0]!.actor, "partner:acme");

  const anchored = await waitFor(async () => {
    const res = await api.get("/v1/access-log?limit=1000", auditor.key);
    const mine = (res.json().entries as Entry[]).filter((e) => e.principalId === partner.id);
    return mine.every((e) => e.anchored) ? mine : undefined;
  }, { what: "the access records anchored" });
  t.equal(anchored.length, 5);

  const reader = await connectLedgerAnchor(api.chain.rpcUrl, api.chain.contract);
  t.teardown(() => reader.close());
  const proof = await api.get(`/v1/records/${anchored[4]!.hash}/proof`, auditor.key);
  t.equal(proof.statusCode, 200);
  const bundle = proof.json() as Bundle;
  t.equal(bundle.record.device, api.serviceKey.address.toLowerCase(), "signed by the service's own device key");
  t.match(bundle.record.body, { type: "note", source: { system: "otledger-access" } });
  t.ok(verifyBundle(bundle, await readChainFacts(reader, bundle)).ok, "the access record verifies against LedgerAnchor");

  // Auditor reads are logged too; partners never see access records.
  const auditorEntries = ((await api.get("/v1/access-log?limit=1000", auditor.key)).json().entries as Entry[]).filter((e) => e.principalId === auditor.id);
  t.ok(auditorEntries.length >= 1, "auditor reads are logged");
  const partnerList = (await api.get("/v1/records?limit=1000", partner.key)).json().records as { record: { device: string } }[];
  t.ok(partnerList.every((r) => r.record.device === device.address), "partners never see access records");
  t.equal((await api.get(`/v1/records/${anchored[0]!.hash}`, partner.key)).statusCode, 404);

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
