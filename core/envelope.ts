// Envelopes (PROTOCOL §8): one EIP-712 device signature over the header {device, firstSeq, count, recordsRoot,
// lastHash}, where recordsRoot is the RFC 9162 root of the envelope's record hashes (in seq order), under domain
// version "2" so that no signature of protocol v1 can ever be replayed.
import { z } from "zod";
import { TypedDataEncoder, verifyTypedData } from "ethers/hash";
import type { SigningKey } from "ethers/crypto";
import { EnvelopeError } from "./errors.ts";
import { AddressSchema, Hex32Schema, normalizeAddress, SignatureSchema, toHex32, type Address, type Hex32, type SignatureHex } from "./hex.ts";
import { MerkleTree } from "./merkle-tree.ts";
import { recordHash } from "./commit.ts";
import { RecordSchema, type FullRecord } from "./record.ts";

/** Upper bound on records per envelope (keeps one submission bounded). */
export const MAX_ENVELOPE_RECORDS = 4096;

export const EnvelopeHeaderSchema = z.strictObject({
  device: AddressSchema,
  firstSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  count: z.number().int().min(1).max(MAX_ENVELOPE_RECORDS),
  recordsRoot: Hex32Schema,
  lastHash: Hex32Schema,
});
export type EnvelopeHeader = z.infer<typeof EnvelopeHeaderSchema>;

export const EIP712_TYPES = {
  Envelope: [
    { name: "device", type: "address" },
    { name: "firstSeq", type: "uint64" },
    { name: "count", type: "uint32" },
    { name: "recordsRoot", type: "bytes32" },
    { name: "lastHash", type: "bytes32" },
  ],
};

export type Eip712DomainV2 = { name: "otledger"; version: "2"; chainId: bigint; verifyingContract: Address };

/** The EIP-712 domain: one chain, one LedgerAnchor contract, protocol version "2". */
export function envelopeDomainV2(chainId: number | bigint, contract: string): Eip712DomainV2 {
  return { name: "otledger", version: "2", chainId: BigInt(chainId), verifyingContract: normalizeAddress(contract) };
}

/** The EIP-712 digest a device signs. */
export function envelopeDigestV2(header: EnvelopeHeader, domain: Eip712DomainV2): Hex32 {
  return TypedDataEncoder.hash(domain, EIP712_TYPES, header).toLowerCase();
}

/** RFC 9162 root over record hashes (the envelope leaves). */
export function recordsRoot(recordHashes: readonly Hex32[]): Hex32 {
  return toHex32(MerkleTree.fromLeafHashes(recordHashes).root());
}

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** Address that signed the header; throws EnvelopeError("signature_invalid") for malformed, high-s or unrecoverable signatures. */
export function recoverEnvelopeSignerV2(header: EnvelopeHeader, signature: string, domain: Eip712DomainV2): Address {
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

/** The body of an envelope submission: full records only. */
export const EnvelopeV2Schema = z.strictObject({
  header: EnvelopeHeaderSchema,
  signature: SignatureSchema,
  records: z.array(RecordSchema).min(1).max(MAX_ENVELOPE_RECORDS),
});
export type EnvelopeV2 = { header: EnvelopeHeader; signature: SignatureHex; records: FullRecord[] };

/** Header for consecutive records of one device (checkEnvelopeV2 checks that they are). */
export function buildEnvelopeHeaderV2(records: readonly FullRecord[]): EnvelopeHeader {
  const first = records[0];
  if (first === undefined) throw new EnvelopeError("envelope_empty", "an envelope needs at least one record", ["records"]);
  if (records.length > MAX_ENVELOPE_RECORDS) throw new EnvelopeError("envelope_too_large", `at most ${MAX_ENVELOPE_RECORDS} records`, ["records"], { expected: MAX_ENVELOPE_RECORDS, computed: records.length });
  const hashes = records.map((r) => recordHash(r.header));
  return { device: first.header.device, firstSeq: first.header.seq, count: records.length, recordsRoot: recordsRoot(hashes), lastHash: hashes.at(-1)! };
}

export type EnvelopeSigner = SigningKey | { signingKey: SigningKey };

/** Builds and signs an envelope (RFC 6979: deterministic) with a SigningKey or an ethers Wallet. */
export function buildEnvelopeV2(records: readonly FullRecord[], domain: Eip712DomainV2, signer: EnvelopeSigner): EnvelopeV2 {
  const header = buildEnvelopeHeaderV2(records);
  const key = "signingKey" in signer ? signer.signingKey : signer;
  return { header, signature: key.sign(envelopeDigestV2(header, domain)).serialized.toLowerCase(), records: [...records] };
}
