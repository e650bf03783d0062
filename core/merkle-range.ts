// Range inclusion proofs (docs/PROTOCOL.md §7.1): a contiguous run of leaves [begin, end) in the tree of `size`
// is proven by the hashes of the maximal RFC 9162 nodes that lie wholly outside the run, left to right. For a
// single leaf this is the inclusion proof (in another order); for any run it has at most 2·⌈log2 size⌉ hashes.
// Such a node is a perfect subtree or a right-edge range, so the server folds each one from stored subtrees.
import { MerkleProofError } from "./errors.ts";
import { nodeHash } from "./hash.ts";
import { toBytes32, toHex32, type Bytes32Like } from "./hex.ts";
import { assertSize, rangeHash, rangeSubtrees, splitPoint, type LeafRange, type SubtreeId, type SubtreeLookup } from "./merkle-ranges.ts";

function checkRun(begin: number, end: number, size: number): void {
  assertSize(size);
  if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end <= begin || end > size) {
    throw new MerkleProofError("merkle_index_out_of_range", `leaf range [${begin}, ${end}) is empty or not in a tree of size ${size}`, { expected: `0 <= begin < end <= ${size}`, computed: `[${begin}, ${end})` });
  }
}

/** Visits the RFC 9162 nodes of [lo, hi) that are wholly outside [begin, end) and maximal, left to right. */
function outside(lo: number, hi: number, begin: number, end: number, out: LeafRange[]): void {
  if (hi <= begin || lo >= end) { out.push([lo, hi]); return; }
  if (lo >= begin && hi <= end) return;
  const k = splitPoint(hi - lo);
  outside(lo, lo + k, begin, end, out);
  outside(lo + k, hi, begin, end, out);
}

/** Ranges whose hashes form the range proof of [begin, end) in a tree of `size`, left to right. */
export function rangeProofRanges(begin: number, end: number, size: number): LeafRange[] {
  checkRun(begin, end, size);
  const out: LeafRange[] = [];
  outside(0, size, begin, end, out);
  return out;
}

/** The perfect subtrees whose hashes a range proof needs (to fetch from storage). */
export function subtreesForRange(begin: number, end: number, size: number): SubtreeId[] {
  return rangeProofRanges(begin, end, size).flatMap(([a, b]) => rangeSubtrees(a, b));
}

/** The range proof of [begin, end) in a tree of `size`, built from stored perfect-subtree hashes. */
export function rangeProofFromSubtrees(begin: number, end: number, size: number, lookup: SubtreeLookup): Buffer[] {
  return rangeProofRanges(begin, end, size).map(([a, b]) => rangeHash(a, b, lookup));
}

/** The root implied by leaves `leafHashes` at [begin, begin + count) and their range proof; throws on malformed input. */
export function rootFromRangeProof(begin: number, leafHashes: readonly Bytes32Like[], size: number, proof: readonly Bytes32Like[]): Buffer {
  const end = begin + leafHashes.length;
  const ranges = rangeProofRanges(begin, end, size);
  if (proof.length !== ranges.length) {
    throw new MerkleProofError("merkle_proof_size", `range proof has ${proof.length} hashes, expected ${ranges.length}`, { expected: ranges.length, computed: proof.length });
  }
  const leaves = leafHashes.map((h) => Buffer.from(toBytes32(h)));
  const hashes = proof.map((h) => Buffer.from(toBytes32(h)));
  let next = 0;
  // Same recursion as `outside`: a node outside the run takes the next proof hash, a leaf inside takes its hash.
  const mth = (lo: number, hi: number): Buffer => {
    if (hi <= begin || lo >= end) return hashes[next++]!;
    if (hi - lo === 1) return leaves[lo - begin]!;
    const k = splitPoint(hi - lo);
    const left = mth(lo, lo + k);
    return nodeHash(left, mth(lo + k, hi));
  };
  return mth(0, size);
}

/** Throws MerkleProofError unless `proof` shows `leafHashes` at [begin, begin + count) in the tree of `size` with `root`. */
export function verifyRangeInclusion(begin: number, leafHashes: readonly Bytes32Like[], size: number, proof: readonly Bytes32Like[], root: Bytes32Like): void {
  const computed = rootFromRangeProof(begin, leafHashes, size, proof);
  const expected = toBytes32(root);
  if (!computed.equals(expected)) {
    throw new MerkleProofError("merkle_root_mismatch", `calculated root ${toHex32(computed)} differs from expected ${toHex32(expected)}`, { expected: toHex32(expected), computed: toHex32(computed) });
  }
}
