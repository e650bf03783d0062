// Assembling a proof bundle from the parts a server holds (record, its envelope, log proof, anchor).
import { BUNDLE_VERSION, BundleSchema, type Bundle } from "./bundle.ts";
import type { EnvelopeHeader } from "./envelope.ts";
import { recordHash } from "./hash.ts";
import { toHex32, toBytes32, type Bytes32Like } from "./hex.ts";
import { MerkleTree } from "./merkle-tree.ts";
import type { Record } from "./record.ts";

export type BundleParts = {
  record: Record;
  envelope: { header: EnvelopeHeader; signature: string; index: number; proof: readonly Bytes32Like[] };
  log: { index: number; treeSize: number; proof: readonly Bytes32Like[] };
  anchor: Bundle["anchor"];
};

const hexProof = (proof: readonly Bytes32Like[]) => proof.map((h) => toHex32(toBytes32(h)));

/** A schema-checked bundle (throws a ZodError on malformed parts; the proofs themselves are not verified here). */
export function assembleBundle(parts: BundleParts): Bundle {
  return BundleSchema.parse({
    version: BUNDLE_VERSION,
    record: parts.record,
    recordHash: recordHash(parts.record),
    envelope: { ...parts.envelope, proof: hexProof(parts.envelope.proof) },
    log: { ...parts.log, proof: hexProof(parts.log.proof) },
    anchor: parts.anchor,
  });
}

/** Inclusion proof of the record at `index` among its envelope's record hashes (the path to recordsRoot). */
export function envelopeInclusionProof(recordHashes: readonly Bytes32Like[], index: number): string[] {
  return hexProof(MerkleTree.fromLeafHashes(recordHashes).inclusionProof(index));
}
