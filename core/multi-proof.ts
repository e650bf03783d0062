// Multi-leaf inclusion proofs (docs/PROTOCOL.md §7.2): any set of leaves of the tree of `size` is proven by the
// hashes of the maximal RFC 9162 nodes that hold none of them, left to right. It generalises the range proof of
// §7.1 (for a contiguous set it is that proof), so a stream answer, whose leaves are scattered through the log,
// needs one proof of at most k·⌈log2 size⌉ hashes instead of k bundles.
import { MerkleProofError } from "./errors.ts";
import { nodeHash } from "./hash.ts";
import { toBytes32, toHex32, type Bytes32Like } from "./hex.ts";
import { assertSize, rangeHash, rangeSubtrees, splitPoint, type LeafRange, type SubtreeId, type SubtreeLookup } from "./merkle-ranges.ts";

/** Indexes must be safe integers, strictly increasing (so distinct, in one order) and below size. */
function checkIndexes(indexes: readonly number[], size: number): void {
  assertSize(size);
  if (indexes.length === 0) throw new MerkleProofError("merkle_index_out_of_range", "a multi-leaf proof needs at least one leaf", { expected: ">= 1 leaf", computed: 0 });
  indexes.forEach((i, n) => {
    if (!Number.isSafeInteger(i) || i < 0 || i >= size || (n > 0 && i <= indexes[n - 1]!)) {
      throw new MerkleProofError("merkle_index_out_of_range", `leaf indexes must be strictly increasing and below ${size}; entry ${n} is ${i}`, { expected: `strictly increasing, < ${size}`, computed: indexes.slice(0, n + 1) });
    }
  });
}

/** First position p ≥ from with indexes[p] ≥ lo (indexes sorted). */
function lowerBound(indexes: readonly number[], lo: number, from: number): number {
  let a = from, b = indexes.length;
  while (a < b) { const m = (a + b) >> 1; if (indexes[m]! < lo) a = m + 1; else b = m; }
  return a;
}

/** Walks [lo, hi): a node without a requested leaf is emitted (maximal), a requested leaf is not, others split. */
function walk(lo: number, hi: number, indexes: readonly number[], at: number, out: LeafRange[]): void {
  const p = lowerBound(indexes, lo, at);
  if (p === indexes.length || indexes[p]! >= hi) { out.push([lo, hi]); return; }
  if (hi - lo === 1) return;
  const k = splitPoint(hi - lo);
  walk(lo, lo + k, indexes, p, out);
  walk(lo + k, hi, indexes, p, out);
}

/** Ranges whose hashes form the multi-leaf proof of `indexes` (strictly increasing) in a tree of `size`, left to right. */
export function multiProofRanges(indexes: readonly number[], size: number): LeafRange[] {
  checkIndexes(indexes, size);
  const out: LeafRange[] = [];
  walk(0, size, indexes, 0, out);
  return out;
}

/** The perfect subtrees whose hashes a multi-leaf proof needs (to fetch from storage). */
export function subtreesForMulti(indexes: readonly number[], size: number): SubtreeId[] {
  return multiProofRanges(indexes, size).flatMap(([a, b]) => rangeSubtrees(a, b));
}

/** The multi-leaf proof of `indexes` in a tree of `size`, built from stored perfect-subtree hashes. */
export function multiProofFromSubtrees(indexes: readonly number[], size: number, lookup: SubtreeLookup): Buffer[] {
  return multiProofRanges(indexes, size).map(([a, b]) => rangeHash(a, b, lookup));
}

/** The root implied by `leafHashes` at `indexes` and their multi-leaf proof; lengths are checked before any hashing. */
export function rootFromMultiProof(indexes: readonly number[], leafHashes: readonly Bytes32Like[], size: number, proof: readonly Bytes32Like[]): Buffer {
  const ranges = multiProofRanges(indexes, size);
  if (leafHashes.length !== indexes.length) {
    throw new MerkleProofError("merkle_proof_size", `${leafHashes.length} leaf hashes for ${indexes.length} indexes`, { expected: indexes.length, computed: leafHashes.length });
  }
  if (proof.length !== ranges.length) {
    throw new MerkleProofError("merkle_proof_size", `multi-leaf proof has ${proof.length} hashes, expected ${ranges.length}`, { expected: ranges.length, computed: proof.length });
  }
  const leaves = leafHashes.map((h) => Buffer.from(toBytes32(h)));
  const hashes = proof.map((h) => Buffer.from(toBytes32(h)));
  let next = 0;
  // Same recursion as `walk`: a node without requested leaves takes the next proof hash, a requested leaf its hash.
  const mth = (lo: number, hi: number, at: number): Buffer => {
    const p = lowerBound(indexes, lo, at);
    if (p === indexes.length || indexes[p]! >= hi) return hashes[next++]!;
    if (hi - lo === 1) return leaves[p]!;
    const k = splitPoint(hi - lo);
    const left = mth(lo, lo + k, p);
    return nodeHash(left, mth(lo + k, hi, p));
  };
  return mth(0, size, 0);
}

/** Throws MerkleProofError unless `proof` shows `leafHashes` at `indexes` in the tree of `size` with `root`. */
export function verifyMultiInclusion(indexes: readonly number[], leafHashes: readonly Bytes32Like[], size: number, proof: readonly Bytes32Like[], root: Bytes32Like): void {
  const computed = rootFromMultiProof(indexes, leafHashes, size, proof);
  const expected = toBytes32(root);
  if (!computed.equals(expected)) {
    throw new MerkleProofError("merkle_root_mismatch", `calculated root ${toHex32(computed)} differs from expected ${toHex32(expected)}`, { expected: toHex32(expected), computed: toHex32(computed) });
  }
}
