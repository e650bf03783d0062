// Proof bundle v2 (PROTOCOL-v2 §10): v1's receipt for one record, where the record is a full record or a stub,
// and `erasure` optionally carries the bundle of the erasure record that explains a missing opening.
import { z } from "zod";
import { BundleSchema } from "../bundle.ts";
import { toBytes32, toHex32, type Bytes32Like } from "../hex.ts";
import { MerkleTree } from "../merkle-tree.ts";
import { recordHash } from "./commit.ts";
import type { EnvelopeHeader } from "./envelope.ts";
import { RecordOrStubSchema, type RecordOrStub } from "./record.ts";

export const BUNDLE_VERSION_V2 = "otledger.bundle/2";
const v1 = BundleSchema.shape;

const fields = {
  version: z.literal(BUNDLE_VERSION_V2),
  record: RecordOrStubSchema,
  recordHash: v1.recordHash,
  envelope: v1.envelope,
  log: v1.log,
  anchor: v1.anchor,
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
