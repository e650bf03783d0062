// RFC 9162 Merkle tree: construction (in memory, incremental, or from stored subtrees) and verification.
export { MerkleTree } from "./merkle-tree.ts";
export { CompactRange, type Subtree } from "./compact-range.ts";
export {
  consistencyProofFromSubtrees, consistencyRanges, inclusionProofFromSubtrees, inclusionRanges, rangeHash, rangeSubtrees,
  rootFromSubtrees, splitPoint, subtreesForConsistency, subtreesForInclusion, subtreesForRoot,
  type LeafRange, type SubtreeId, type SubtreeLookup,
} from "./merkle-ranges.ts";
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from "./merkle-verify.ts";
export { rangeProofFromSubtrees, rangeProofRanges, rootFromRangeProof, subtreesForRange, verifyRangeInclusion } from "./merkle-range.ts";
