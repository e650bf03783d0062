// Envelopes v2 (PROTOCOL-v2 §8): v1's signed header and EIP-712 struct over full v2 records, under domain
// version "2" so no v1 signature can ever be replayed as a v2 one.
import { z } from "zod";
import {
  EnvelopeHeaderSchema, MAX_ENVELOPE_RECORDS, recordsRoot, envelopeDigest as digestV1, recoverEnvelopeSigner as recoverV1,
  type Eip712Domain as Eip712DomainV1, type EnvelopeHeader, type EnvelopeSigner,
} from "../envelope.ts";
import { EnvelopeError } from "../errors.ts";
import { normalizeAddress, SignatureSchema, type Address, type Hex32, type SignatureHex } from "../hex.ts";
import { recordHash } from "./commit.ts";
import { RecordSchema, type FullRecord } from "./record.ts";

export { EIP712_TYPES, EnvelopeHeaderSchema, MAX_ENVELOPE_RECORDS, recordsRoot, type EnvelopeHeader, type EnvelopeSigner } from "../envelope.ts";

export type Eip712DomainV2 = { name: "otledger"; version: "2"; chainId: bigint; verifyingContract: Address };

/** The v2 EIP-712 domain: one chain, one LedgerAnchor contract, protocol version "2". */
export function envelopeDomainV2(chainId: number | bigint, contract: string): Eip712DomainV2 {
  return { name: "otledger", version: "2", chainId: BigInt(chainId), verifyingContract: normalizeAddress(contract) };
}

// v1's digest and recovery hand the domain to ethers unchanged; only their parameter type pins version "1"
// (a type that goes when v1 is deleted). Reusing them keeps one low-s / v ∈ {27, 28} rule.
const asV1 = (d: Eip712DomainV2) => d as unknown as Eip712DomainV1;

/** The EIP-712 digest a device signs. */
export function envelopeDigestV2(header: EnvelopeHeader, domain: Eip712DomainV2): Hex32 {
  return digestV1(header, asV1(domain));
}

/** Address that signed the header; throws EnvelopeError("signature_invalid") for malformed, high-s or unrecoverable signatures. */
export function recoverEnvelopeSignerV2(header: EnvelopeHeader, signature: string, domain: Eip712DomainV2): Address {
  return recoverV1(header, signature, asV1(domain));
}

/** The body of a v2 envelope submission: full records only. */
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

/** Builds and signs an envelope (RFC 6979: deterministic) with a SigningKey or an ethers Wallet. */
export function buildEnvelopeV2(records: readonly FullRecord[], domain: Eip712DomainV2, signer: EnvelopeSigner): EnvelopeV2 {
  const header = buildEnvelopeHeaderV2(records);
  const key = "signingKey" in signer ? signer.signingKey : signer;
  return { header, signature: key.sign(envelopeDigestV2(header, domain)).serialized.toLowerCase(), records: [...records] };
}
