// Envelopes v2: the signed vectors reproduce bit for bit under domain "2"; checkEnvelopeV2 names each failing
// field (device and stream chains within the envelope) and returns what the server checks against stored heads.
import t from "tap";
import { readFileSync } from "node:fs";
import { SigningKey } from "ethers/crypto";
import {
  buildEnvelopeV2, checkEnvelopeV2, EnvelopeV2Error, EnvelopeV2Schema, envelopeDigestV2, envelopeDomainV2, erasePersonal, recordHash, recoverEnvelopeSignerV2, sealRecord,
  type Eip712DomainV2, type EnvelopeV2, type FullRecord,
} from "../../core/index.ts";
import { deviceRecords, salt, TEST_DEVICE } from "./vectors/inputs.ts";

const vector = JSON.parse(readFileSync(new URL("../../docs/vectors/envelope.json", import.meta.url), "utf8"));
const domain = envelopeDomainV2(vector.domain.chainId, vector.domain.verifyingContract);
const key = new SigningKey(vector.device.privateKey);
const envelope: EnvelopeV2 = EnvelopeV2Schema.parse(vector.device.envelope) as EnvelopeV2;

t.test("the v2 envelope vectors are reproduced and check", async (t) => {
  for (const which of ["device", "service"] as const) {
    const v = vector[which], e = EnvelopeV2Schema.parse(v.envelope) as EnvelopeV2;
    t.same(buildEnvelopeV2(e.records, domain, new SigningKey(v.privateKey)), e, `${which}: deterministic signature`);
    t.equal(envelopeDigestV2(e.header, domain), v.digest);
    const checked = checkEnvelopeV2(e, domain);
    t.same(checked.recordHashes, v.recordHashes);
    t.same(checked.streams, v.streams, `${which}: stream heads`);
  }
  const tt = vector.device.streams.find((s: { name: string }) => s.name === "TT-101.PV");
  t.same([tt.first.index, tt.first.streamSeq, tt.first.streamPrev, tt.last.index, tt.last.streamSeq], [0, 1, null, 2, 2], "TT-101.PV spans records 0 and 2");
});

t.test("domain version 2 separates v2 signatures from v1", async (t) => {
  t.equal(domain.version, "2");
  const v1Domain = { ...domain, version: "1" } as unknown as Eip712DomainV2;
  t.not(recoverEnvelopeSignerV2(envelope.header, envelope.signature, v1Domain), TEST_DEVICE, "under version 1 the signature recovers to someone else");
});

const failure = (e: EnvelopeV2) => { try { checkEnvelopeV2(e, domain); return null; } catch (err) { const x = err as EnvelopeV2Error; return { code: x.code, path: x.path }; } };
const signed = (records: FullRecord[]) => buildEnvelopeV2(records, domain, key);

/** Re-seals the device chain with record `i`'s header fields changed (the chain after it re-linked), to break one rule. */
function resealed(change: (i: number, h: FullRecord["header"]) => Partial<FullRecord["header"]>): FullRecord[] {
  const out: FullRecord[] = [];
  for (const [i, { record: r }] of deviceRecords().entries()) {
    const { v: _v, stream: _s, body: _b, ...h } = { ...r.header, ...(i > 0 ? { prev: recordHash(out[i - 1]!.header) } : {}) };
    const header = { ...h, ...change(i, r.header) };
    const body = r.header.kind === "event" ? (({ personal: _p, ...b }) => b)(r.body as { personal: string }) : r.body;
    out.push(sealRecord({ header, stream: r.stream, salt: r.salt, body, personal: r.personal, personalSalt: r.personalSalt } as never));
  }
  return out;
}

t.test("checkEnvelopeV2 names the failing field", async (t) => {
  const rs = envelope.records;
  const tt0 = recordHash(rs[0]!.header);
  const cases: [string, EnvelopeV2, string, (string | number)[]][] = [
    ["an opening that does not open", { ...envelope, records: [rs[0]!, { ...rs[1]!, salt: salt("x") }, ...rs.slice(2)] }, "body_commitment_mismatch", ["records", 1, "header", "body"]],
    ["personal opening missing", { ...envelope, records: [...rs.slice(0, 3), erasePersonal(rs[3]!), ...rs.slice(4)] }, "envelope_record_not_full", ["records", 3, "personal"]],
    ["seq gap", { ...envelope, records: [rs[0]!, rs[2]!] }, "envelope_seq_gap", ["records", 1, "header", "seq"]],
    ["stream seq gap", signed(resealed((i) => (i === 2 ? { streamSeq: 3 } : {}))), "envelope_stream_seq_gap", ["records", 2, "header", "streamSeq"]],
    ["stream prev", signed(resealed((i) => (i === 2 ? { streamPrev: recordHash(rs[1]!.header) } : {}))), "envelope_stream_prev_mismatch", ["records", 2, "header", "streamPrev"]],
    ["count", { ...envelope, header: { ...envelope.header, count: 5 } }, "envelope_count_mismatch", ["header", "count"]],
    ["recordsRoot", { ...envelope, header: { ...envelope.header, recordsRoot: tt0 } }, "envelope_root_mismatch", ["header", "recordsRoot"]],
    ["lastHash", { ...envelope, header: { ...envelope.header, lastHash: tt0 } }, "envelope_last_hash_mismatch", ["header", "lastHash"]],
    ["v not 27/28", { ...envelope, signature: envelope.signature.slice(0, 130) + "00" }, "signature_invalid", ["signature"]],
  ];
  for (const [why, e, code, path] of cases) t.same(failure(e), { code, path }, why);
  t.equal(failure(signed(rs.slice(0, 3))), null, "a shorter re-signed envelope passes");
});

t.test("a stream's records in one envelope are in time order, and one name has one id", async (t) => {
  const T = "2026-11-24T22:56:02.500Z";
  // record 2 (series) re-timed to start before record 0 ends: same body, shifted span
  const early = resealed((i) => (i === 2 ? { from: T, to: new Date(Date.parse(T) + 1000).toISOString() } : {}));
  t.same(failure(signed(early)), { code: "envelope_stream_time_order", path: ["records", 2, "header", "from"] });
  const r = deviceRecords()[1]!.record;
  const twin = sealRecord({ header: { ...(({ v: _v, stream: _s, body: _b, ...h }) => h)(r.header), seq: 7, prev: recordHash(envelope.records[5]!.header) }, stream: { ...r.stream, salt: salt("second id") }, salt: r.salt, body: r.body });
  t.same(failure(signed([...envelope.records, twin])), { code: "stream_name_conflict", path: ["records", 6, "header", "stream"] });
});
