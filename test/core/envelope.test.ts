// Envelopes: the fixed signed vector, signer recovery, and every checkEnvelope failure with its field path.
import t from "tap";
import { readFileSync } from "node:fs";
import { SigningKey } from "ethers/crypto";
import { Wallet } from "ethers/wallet";
import { TypedDataEncoder, verifyTypedData } from "ethers/hash";
import canonicalize from "canonicalize";
import {
  buildEnvelope, buildEnvelopeHeader, checkEnvelope, EIP712_TYPES, envelopeDigest, envelopeDomain, EnvelopeError, EnvelopeSchema,
  recordHash, recoverEnvelopeSigner, type Envelope,
} from "../../core/index.ts";

const vector = JSON.parse(readFileSync(new URL("../../docs/vectors/envelope.json", import.meta.url), "utf8"));
const domain = envelopeDomain(vector.domain.chainId, vector.domain.verifyingContract);
const envelope: Envelope = EnvelopeSchema.parse(vector.envelope);
const key = new SigningKey(vector.privateKey);

t.test("the envelope vector is reproduced bit for bit by the fixed test key", async (t) => {
  t.same(buildEnvelopeHeader(envelope.records), envelope.header, "header from records");
  t.same(envelope.records.map(recordHash), vector.recordHashes);
  t.equal(envelopeDigest(envelope.header, domain), vector.digest);
  t.equal(TypedDataEncoder.hash(vector.domain, EIP712_TYPES, envelope.header).toLowerCase(), vector.digest, "ethers' own encoder over the plain-JSON domain agrees");
  t.same(buildEnvelope(envelope.records, domain, key), envelope, "RFC 6979 signatures are deterministic");
  t.same(buildEnvelope(envelope.records, domain, new Wallet(vector.privateKey)), envelope, "an ethers Wallet signs the same");
  t.equal(recoverEnvelopeSigner(envelope.header, envelope.signature, domain), vector.device);
  t.equal(verifyTypedData(vector.domain, EIP712_TYPES, envelope.header, envelope.signature).toLowerCase(), vector.device, "ethers recovers the same signer");
  t.same(checkEnvelope(envelope, domain), {
      header: envelope.header, signer: vector.device, recordHashes: vector.recordHashes,
      canonicals: envelope.records.map((r) => canonicalize(r)), // the canonicalize package as oracle
    });
});

t.test("the domain binds chain and contract", async (t) => {
  const other = [envelopeDomain(1, vector.domain.verifyingContract), envelopeDomain(vector.domain.chainId, "0x" + "11".repeat(20))];
  for (const d of other) t.not(recoverEnvelopeSigner(envelope.header, envelope.signature, d), vector.device);
});

const failure = (e: Envelope) => {
  try { checkEnvelope(e, domain); return null; } catch (err) { const x = err as EnvelopeError; return { code: x.code, path: x.path, expected: x.expected, computed: x.computed }; }
};
const resign = (e: Envelope): Envelope => ({ ...e, signature: buildEnvelope(e.records, domain, key).signature });

t.test("checkEnvelope names the failing field and keeps the evidence", async (t) => {
  const rs = envelope.records;
  const other = new SigningKey("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  const cases: [string, Envelope, string, (string | number)[]][] = [
    ["record from another device", { ...envelope, records: [rs[0]!, { ...rs[1]!, device: "0x" + "22".repeat(20) }, ...rs.slice(2)] }, "envelope_device_mismatch", ["records", 1, "device"]],
    ["seq gap", { ...envelope, records: [rs[0]!, rs[2]!] }, "envelope_seq_gap", ["records", 1, "seq"]],
    ["broken prev chain", { ...envelope, records: [rs[0]!, { ...rs[1]!, prev: rs[0]!.prev ?? vector.recordHashes[1] }, ...rs.slice(2)] }, "envelope_prev_mismatch", ["records", 1, "prev"]],
    ["count", { ...envelope, header: { ...envelope.header, count: 4 } }, "envelope_count_mismatch", ["header", "count"]],
    ["recordsRoot", { ...envelope, header: { ...envelope.header, recordsRoot: vector.recordHashes[0] } }, "envelope_root_mismatch", ["header", "recordsRoot"]],
    ["lastHash", { ...envelope, header: { ...envelope.header, lastHash: vector.recordHashes[0] } }, "envelope_last_hash_mismatch", ["header", "lastHash"]],
    ["signed by another key", { ...envelope, signature: buildEnvelope(rs, domain, other).signature }, "signature_signer_mismatch", ["signature"]],
    ["v not 27/28", { ...envelope, signature: envelope.signature.slice(0, 130) + "00" }, "signature_invalid", ["signature"]],
  ];
  for (const [why, e, code, path] of cases) {
    const f = failure(e);
    t.equal(f?.code, code, why);
    t.same(f?.path, path, `${why}: path`);
    t.ok(f?.expected !== undefined || code === "signature_invalid", `${why}: evidence kept`);
  }
  t.equal(failure(resign({ ...envelope, records: rs.slice(0, 3), header: buildEnvelopeHeader(rs.slice(0, 3)) })), null, "a re-signed shorter envelope passes");
});

t.test("the high-s twin of a valid signature is rejected (no malleable duplicates)", async (t) => {
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const s = BigInt("0x" + envelope.signature.slice(66, 130));
  const v = envelope.signature.slice(130) === "1b" ? "1c" : "1b";
  const twin = envelope.signature.slice(0, 66) + (n - s).toString(16).padStart(64, "0") + v;
  const err = t.throws(() => recoverEnvelopeSigner(envelope.header, twin, domain)) as EnvelopeError;
  t.equal(err.code, "signature_invalid");
});
