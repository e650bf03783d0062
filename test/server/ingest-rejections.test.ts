// Every rejection class of v2 ingest answers its status, literal code and field path, and writes nothing.
import t from "tap";
import { Wallet } from "ethers";
import { buildEnvelopeV2, envelopeDomainV2 } from "../../core/index.ts";
import { TestDeviceV2, signedEnvelopeV2 } from "../helpers/envelopes.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { accessRecords } from "./fixture/access-records.ts";

t.teardown(stopTestCluster);

const TABLES = ["envelopes", "records", "leaves", "equivocations"];

t.test("rejections", async (t) => {
  const ledger = await startTestLedger({ config: { BODY_LIMIT_BYTES: 512 * 1024, MAX_RECORDS_PER_ENVELOPE: 100 } });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  const setup = device.envelope(ledger.domain, 3);
  t.equal((await ledger.submit(setup)).status, 201, "setup: 3 records stored");
  const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (tb) => [tb, (await ledger.ownerDb.query(`SELECT count(*)::int AS n FROM ${tb}`)).rows[0].n])));
  const before = await counts();

  const expectReject = async (name: string, body: unknown, status: number, code: string, path?: (string | number)[]) => {
    const res = await ledger.submit(body);
    t.equal(res.status, status, `${name}: status ${status}`);
    t.equal(res.body.code, code, `${name}: code ${code}`);
    if (path !== undefined) t.same(res.body.path, path, `${name}: path ${path.join(".")}`);
    return res.body;
  };

  const good = () => device.envelope(ledger.domain, 2, { commit: false });

  const missingSeq = good() as unknown as { records: { header: Record<string, unknown> }[] };
  delete missingSeq.records[1]!.header.seq;
  await expectReject("schema: missing header field", missingSeq, 400, "schema_invalid", ["records", 1, "header", "seq"]);
  const badValue = good() as unknown as { records: { body: { values: unknown[] } }[] };
  badValue.records[0]!.body.values[0] = "fast";
  const schemaBody = await expectReject("schema: bad series value", badValue, 400, "schema_invalid");
  t.equal(schemaBody.path?.slice(0, 3).join("."), "records.0.body", "path points into the record body");
  await expectReject("schema: extra key", { ...good(), extra: 1 }, 400, "schema_invalid");
  const v1Shaped = { ...good(), records: [{ v: 1, device: device.address, seq: 4, prev: device.prev, ts: "2026-11-24T12:00:00.000Z", kind: "reading", body: {} }] };
  await expectReject("a v1 record", v1Shaped, 400, "schema_invalid");

  // The series body is changed after sealing and signing: schema-valid, but it no longer opens header.body.
  const tamperedBody = good();
  (tamperedBody.records[1]!.body as { values: number[] }).values[3] = 99.5;
  await expectReject("series body tampered after signing", tamperedBody, 400, "body_commitment_mismatch", ["records", 1, "header", "body"]);
  const tamperedName = good();
  tamperedName.records[0]!.stream = { ...tamperedName.records[0]!.stream, name: "TT-102.PV" };
  await expectReject("stream descriptor tampered", tamperedName, 400, "stream_id_mismatch", ["records", 0, "header", "stream"]);
  const tamperedHeader = good();
  tamperedHeader.records[1]!.header = { ...tamperedHeader.records[1]!.header, ts: "2030-01-01T00:00:00.000Z" }; // hash changes, root no longer matches
  await expectReject("header tampered after signing", tamperedHeader, 400, "envelope_root_mismatch", ["header", "recordsRoot"]);
  const ev = device.envelope(ledger.domain, 1, { make: "event", commit: false });
  delete ev.records[0]!.personal;
  delete ev.records[0]!.personalSalt;
  await expectReject("an event without its personal opening", ev, 400, "envelope_record_not_full", ["records", 0, "personal"]);
  const nul = device.envelope(ledger.domain, 1, { make: "event", text: "a\u0000b", commit: false });
  await expectReject("U+0000 in a personal opening", nul, 400, "unsupported_character", ["records", 0, "personal"]);

  const otherKey = signedEnvelopeV2(ledger.domain, Wallet.createRandom() as unknown as Wallet, device.records(2, { commit: false }));
  await expectReject("signed by another key", otherKey, 401, "signature_signer_mismatch", ["signature"]);
  const wrongChain = buildEnvelopeV2(device.records(2, { commit: false }), envelopeDomainV2(1, ledger.chain.contract), device.wallet);
  await expectReject("signed for another chain", wrongChain, 401, "signature_signer_mismatch", ["signature"]);
  const v1Domain = buildEnvelopeV2(device.records(2, { commit: false }), { ...ledger.domain, version: "1" as "2" }, device.wallet);
  await expectReject("signed under the v1 domain", v1Domain, 401, "signature_signer_mismatch", ["signature"]);
  const badSig = { ...good(), signature: "0x" + "11".repeat(64) + "1b" };
  await expectReject("unrecoverable signature", badSig, 401, "signature_invalid", ["signature"]);

  const stranger = new TestDeviceV2();
  await expectReject("unknown device", stranger.envelope(ledger.domain, 1), 403, "device_unknown", ["header", "device"]);

  // Key roles come from LedgerAnchor: a device key may not sign access records, a service key no series.
  const asDevice = await expectReject("access record signed by a device key", device.sign(ledger.domain, accessRecords(device, 1, { commit: false })), 403, "device_role_mismatch", ["records", 0, "header", "kind"]);
  t.same([asDevice.role, asDevice.requiredRole], ["device", "service"], "names the key's role and the one required");
  const service = await ledger.newDevice({ role: "service" });
  const serviceSeries = service.envelope(ledger.domain, 1, { commit: false });
  await expectReject("series signed by a service key", serviceSeries, 403, "device_role_mismatch", ["records", 0, "header", "kind"]);
  t.equal((await ledger.submit(service.sign(ledger.domain, accessRecords(service, 2)))).status, 201, "a service key's access records are accepted");
  const countsAfterService = await counts();

  const gap = await expectReject("gap", signedEnvelopeV2(ledger.domain, device.wallet, device.records(6, { commit: false }).slice(2)), 409, "seq_gap", ["header", "firstSeq"]);
  t.equal(gap.expectedSeq, 4, "gap answer names the expected next seq");
  t.equal(gap.lastHash, device.prev, "and the last stored hash");

  const overlap = await expectReject("overlap (already stored records, new envelope)", device.sign(ledger.domain, setup.records.slice(1)), 409, "seq_overlap", ["header", "firstSeq"]);
  t.equal(overlap.expectedSeq, 4);

  const fork = new TestDeviceV2(device.wallet);
  fork.seq = 3;
  fork.prev = "0x" + "ab".repeat(32);
  await expectReject("prev does not match the stored head", fork.envelope(ledger.domain, 1), 409, "prev_mismatch", ["records", 0, "header", "prev"]);

  await expectReject("too many records", device.envelope(ledger.domain, 101, { commit: false, samples: 1 }), 413, "envelope_too_large", ["records"]);
  const huge = await ledger.app.inject({ method: "POST", url: "/v1/envelopes", headers: { "content-type": "application/json" }, payload: JSON.stringify({ pad: "x".repeat(600 * 1024) }) });
  t.equal(huge.statusCode, 413, "oversized body: 413");
  t.equal(huge.json().code, "body_too_large");
  const junk = await ledger.app.inject({ method: "POST", url: "/v1/envelopes", headers: { "content-type": "application/json" }, payload: "{not json" });
  t.equal(junk.statusCode, 400, "invalid JSON: 400");

  const after = await counts();
  t.same({ ...after, records: after.records - 2, envelopes: after.envelopes - 1, leaves: after.leaves - 2 }, before, "no rejected submission wrote anything");
  t.same(after, countsAfterService, "nothing after the accepted service envelope either");
  t.equal((await ledger.submit(good())).status, 201, "the device's honest next envelope is still accepted");

  await ledger.chain.revokeDevice(device.address);
  const revoked = await ledger.submit(device.envelope(ledger.domain, 1)); // refused as soon as the revocation is mined (test/server/registry.test.ts)
  t.equal(revoked.status, 403);
  t.equal(revoked.body.code, "device_revoked", "revoked device: 403 device_revoked (registry follows contract events)");
});
