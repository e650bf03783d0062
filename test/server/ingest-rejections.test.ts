// Every rejection class answers its status, code and field path, and writes nothing.
import t from "tap";
import { Wallet } from "ethers";
import { buildEnvelope } from "../../core/index.ts";
import { TestDevice, signedEnvelope } from "../helpers/envelopes.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

const TABLES = ["envelopes", "records", "leaves", "equivocations"];

t.test("rejections", async (t) => {
  const ledger = await startTestLedger({ config: { BODY_LIMIT_BYTES: 256 * 1024, MAX_RECORDS_PER_ENVELOPE: 100 } });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  t.equal((await ledger.submit(device.envelope(ledger.domain, 3))).status, 201, "setup: 3 records stored");
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

  const missingSeq = good() as { records: Record<string, unknown>[] };
  delete missingSeq.records[1]!.seq;
  await expectReject("schema: missing field", missingSeq, 400, "schema_invalid", ["records", 1, "seq"]);
  const badValue = good() as unknown as { records: { body: { value: unknown } }[] };
  badValue.records[0]!.body.value = { t: "Double", v: "fast" };
  const schemaBody = await expectReject("schema: bad OPC value", badValue, 400, "schema_invalid");
  t.equal(schemaBody.path?.slice(0, 3).join("."), "records.0.body", "path points into the record body");
  await expectReject("schema: extra key", { ...good(), extra: 1 }, 400, "schema_invalid");

  const tampered = good();
  (tampered.records[1]!.body as { text?: string; tag: string }).tag = "pump2.pressure"; // hash changes, root no longer matches
  await expectReject("record hash vs recordsRoot", tampered, 400, "envelope_root_mismatch", ["header", "recordsRoot"]);

  const otherKey = signedEnvelope(ledger.domain, Wallet.createRandom() as unknown as Wallet, device.records(2, { commit: false }));
  await expectReject("signed by another key", otherKey, 401, "signature_signer_mismatch", ["signature"]);
  const wrongDomain = buildEnvelope(device.records(2, { commit: false }), { ...ledger.domain, chainId: 1n }, device.wallet);
  await expectReject("signed for another chain", wrongDomain, 401, "signature_signer_mismatch", ["signature"]);
  const badSig = { ...good(), signature: "0x" + "11".repeat(64) + "1b" };
  await expectReject("unrecoverable signature", badSig, 401, "signature_invalid", ["signature"]);

  const stranger = new TestDevice();
  await expectReject("unknown device", stranger.envelope(ledger.domain, 1), 403, "device_unknown", ["header", "device"]);

  const gap = await expectReject("gap", signedEnvelope(ledger.domain, device.wallet, device.records(6, { commit: false }).slice(2)), 409, "seq_gap", ["header", "firstSeq"]);
  t.equal(gap.expectedSeq, 4, "gap answer names the expected next seq");
  t.equal(gap.lastHash, device.prev, "and the last stored hash");

  const fresh = new TestDevice(device.wallet);
  const overlap = await expectReject("overlap (already stored records, new envelope)", fresh.envelope(ledger.domain, 2), 409, "seq_overlap");
  t.equal(overlap.expectedSeq, 4);

  const fork = new TestDevice(device.wallet);
  fork.seq = 3;
  fork.prev = "0x" + "ab".repeat(32);
  await expectReject("prev does not match the stored head", fork.envelope(ledger.domain, 1), 409, "prev_mismatch", ["records", 0, "prev"]);

  await expectReject("too many records", device.envelope(ledger.domain, 101, { commit: false }), 413, "envelope_too_large", ["records"]);
  const huge = await ledger.app.inject({ method: "POST", url: "/v1/envelopes", headers: { "content-type": "application/json" }, payload: JSON.stringify({ pad: "x".repeat(300 * 1024) }) });
  t.equal(huge.statusCode, 413, "oversized body: 413");
  t.equal(huge.json().code, "body_too_large");
  const junk = await ledger.app.inject({ method: "POST", url: "/v1/envelopes", headers: { "content-type": "application/json" }, payload: "{not json" });
  t.equal(junk.statusCode, 400, "invalid JSON: 400");

  t.same(await counts(), before, "no rejected submission wrote anything");

  await ledger.chain.revokeDevice(device.address);
  const revoked = await ledger.submit(good()); // refused as soon as the revocation is mined (test/server/registry.test.ts)
  t.equal(revoked.status, 403);
  t.equal(revoked.body.code, "device_revoked", "revoked device: 403 device_revoked (registry follows contract events)");
  t.same(await counts(), before, "still nothing written");
});
