// Proof bundle (PROTOCOL §10): everything needed to verify one record offline, given a few facts read from the
// chain. The record is a full record or a stub; `erasure` optionally carries the bundle of the erasure record
// that explains a missing opening.
import { z } from "zod";
import { AddressSchema, Hex32Schema, SignatureSchema, toBytes32, toHex32, type Bytes32Like } from "./hex.ts";
import { MerkleTree } from "./merkle-tree.ts";
import { recordHash } from "./commit.ts";
import { EnvelopeHeaderSchema, MAX_ENVELOPE_RECORDS, type EnvelopeHeader } from "./envelope.ts";
import { RecordOrStubSchema, type RecordOrStub } from "./record.ts";

export const BUNDLE_VERSION_V2 = "otledger.bundle/2";
const uint = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A proof never has more than 64 hashes (tree sizes are uint64). */
const Proof = z.array(Hex32Schema).max(64);

const fields = {
  version: z.literal(BUNDLE_VERSION_V2),
  record: RecordOrStubSchema,
  /** Claimed record hash: the leaf in both the envelope tree and the global log. */
  recordHash: Hex32Schema,
  envelope: z.strictObject({
    header: EnvelopeHeaderSchema,
    signature: SignatureSchema,
    /** Position of the record in its envelope (= header.seq − envelope.header.firstSeq). */
    index: z.number().int().min(0).max(MAX_ENVELOPE_RECORDS - 1),
    /** Inclusion proof of recordHash at `index` in the tree of header.count record hashes, root header.recordsRoot. */
    proof: Proof,
  }),
  log: z.strictObject({
    /** 0-based leaf index in the global log. */
    index: uint(),
    treeSize: uint().min(1),
    /** Inclusion proof of recordHash at `index` in the log of `treeSize` leaves. */
    proof: Proof,
  }),
  anchor: z.strictObject({
    chainId: uint().min(1),
    contract: AddressSchema,
    checkpointIndex: uint(),
    treeSize: uint().min(1),
    root: Hex32Schema,
    txHash: Hex32Schema,
    blockNumber: uint(),
  }),
};
/** The bundle of an erasure record (it carries no erasure of its own). */
export const ErasureBundleSchema = z.strictObject(fields);
export const BundleV2Schema = z.strictObject({ ...fields, erasure: ErasureBundleSchema.optional() });
export type ErasureBundle = z.infer<typeof ErasureBundleSchema>;
export type BundleV2 = z.infer<typeof BundleV2Schema>;

export type BundleV2Parts = {
  record: RecordOrStub;
  envelope: { header: EnvelopeHeader; signature: string; index: number; proof: readonly Bytes32Like[] };
  log: { index: number; treeSize: number; proof: readonly Bytes32Like[] };
  anchor: BundleV2["anchor"];
  erasure?: ErasureBundle;
};

const hexProof = (proof: readonly Bytes32Like[]) => proof.map((h) => toHex32(toBytes32(h)));

/** A schema-checked bundle (throws a ZodError on malformed parts; proofs are not verified here). */
export function assembleBundleV2(parts: BundleV2Parts): BundleV2 {
  return BundleV2Schema.parse({
    version: BUNDLE_VERSION_V2, record: parts.record, recordHash: recordHash(parts.record.header),
    envelope: { ...parts.envelope, proof: hexProof(parts.envelope.proof) },
    log: { ...parts.log, proof: hexProof(parts.log.proof) },
    anchor: parts.anchor,
    ...(parts.erasure === undefined ? {} : { erasure: parts.erasure }),
  });
}

/** Inclusion proof of the record at `index` among its envelope's record hashes. */
export function envelopeInclusionProofV2(recordHashes: readonly Bytes32Like[], index: number): string[] {
  return hexProof(MerkleTree.fromLeafHashes(recordHashes).inclusionProof(index));
}
