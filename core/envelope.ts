// Envelopes: one EIP-712 device signature over the header {device, firstSeq, count, recordsRoot, lastHash},
// where recordsRoot is the RFC 9162 root of the envelope's record hashes (in seq order).
import { z } from "zod";
import { TypedDataEncoder, verifyTypedData } from "ethers/hash";
import type { SigningKey } from "ethers/crypto";
import { EnvelopeError } from "./errors.ts";
import { recordHash } from "./hash.ts";
import { AddressSchema, Hex32Schema, SignatureSchema, normalizeAddress, toHex32, type Address, type Hex32, type SignatureHex } from "./hex.ts";
import { MerkleTree } from "./merkle-tree.ts";
import { RecordSchema, type Record } from "./record.ts";

/** Upper bound on records per envelope (keeps one submission bounded; 100–1000 is the intended range). */
export const MAX_ENVELOPE_RECORDS = 4096;

export const EnvelopeHeaderSchema = z.strictObject({
  device: AddressSchema,
  firstSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  count: z.number().int().min(1).max(MAX_ENVELOPE_RECORDS),
  recordsRoot: Hex32Schema,
  lastHash: Hex32Schema,
});
export type EnvelopeHeader = z.infer<typeof EnvelopeHeaderSchema>;

/** The body of POST /v1/envelopes. */
export const EnvelopeSchema = z.strictObject({
  header: EnvelopeHeaderSchema,
  signature: SignatureSchema,
  records: z.array(RecordSchema).min(1).max(MAX_ENVELOPE_RECORDS),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

export const EIP712_TYPES = {
  Envelope: [
    { name: "device", type: "address" },
    { name: "firstSeq", type: "uint64" },
    { name: "count", type: "uint32" },
    { name: "recordsRoot", type: "bytes32" },
    { name: "lastHash", type: "bytes32" },
  ],
};
export type Eip712Domain = { name: "otledger"; version: "1"; chainId: bigint; verifyingContract: Address };

/** The EIP-712 domain binding signatures to one chain and one LedgerAnchor contract. */
export function envelopeDomain(chainId: number | bigint, contract: string): Eip712Domain {
  return { name: "otledger", version: "1", chainId: BigInt(chainId), verifyingContract: normalizeAddress(contract) };
}

/** The EIP-712 digest a device signs. */
export function envelopeDigest(header: EnvelopeHeader, domain: Eip712Domain): Hex32 {
  return TypedDataEncoder.hash(domain, EIP712_TYPES, header).toLowerCase();
}

/** RFC 9162 root over record hashes (the envelope leaves). */
export function recordsRoot(recordHashes: readonly Hex32[]): Hex32 {
  return toHex32(MerkleTree.fromLeafHashes(recordHashes).root());
}

/** Header for consecutive records of one device (the caller checks they are consecutive; checkEnvelope does too). */
export function buildEnvelopeHeader(records: readonly Record[]): EnvelopeHeader {
  const first = records[0];
  if (first === undefined) throw new EnvelopeError("envelope_empty", "an envelope needs at least one record", ["records"]);
  const hashes = records.map(recordHash);
  return { device: first.device, firstSeq: first.seq, count: records.length, recordsRoot: recordsRoot(hashes), lastHash: hashes[hashes.length - 1]! };
}

export type EnvelopeSigner = SigningKey | { signingKey: SigningKey };

/** Signs the header's EIP-712 digest synchronously with a SigningKey or an ethers Wallet. */
export function signEnvelopeHeader(header: EnvelopeHeader, domain: Eip712Domain, signer: EnvelopeSigner): SignatureHex {
  const key = "signingKey" in signer ? signer.signingKey : signer;
  return key.sign(envelopeDigest(header, domain)).serialized.toLowerCase();
}

/** Builds and signs an envelope for consecutive records of the signer's device. */
export function buildEnvelope(records: readonly Record[], domain: Eip712Domain, signer: EnvelopeSigner): Envelope {
  const header = buildEnvelopeHeader(records);
  return { header, signature: signEnvelopeHeader(header, domain, signer), records: [...records] };
}

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** Address that signed the header; throws EnvelopeError("signature_invalid") for malformed, high-s or unrecoverable signatures. */
export function recoverEnvelopeSigner(header: EnvelopeHeader, signature: string, domain: Eip712Domain): Address {
  const fail = (why: string) => new EnvelopeError("signature_invalid", `signature is not valid: ${why}`, ["signature"], { computed: signature.slice(0, 140) });
  if (!SignatureSchema.safeParse(signature).success) throw fail("expected 0x + 130 lowercase hex digits");
  const s = BigInt("0x" + signature.slice(66, 130));
  const v = signature.slice(130);
  if (v !== "1b" && v !== "1c") throw fail("v must be 27 or 28");
  if (s === 0n || s > SECP256K1_HALF_N) throw fail("s must be in the lower half of the curve order (no malleable twins)");
  try {
    return verifyTypedData(domain, EIP712_TYPES, header, signature).toLowerCase();
  } catch (err) {
    throw fail((err as Error).message);
  }
}
