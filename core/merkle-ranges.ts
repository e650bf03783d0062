// Storage-agnostic RFC 9162 proof construction. A proof is a list of subtree hashes over leaf ranges;
// every range is cut into perfect subtrees {level, index} (which a store can keep forever, since they never
// change once complete) and the range hash is folded from them right to left, exactly as MTH does.
import { MerkleProofError } from "./errors.ts";
import { nodeHash, EMPTY_ROOT } from "./hash.ts";

/** A perfect subtree: leaves [index·2^level, (index+1)·2^level). Level 0 is a leaf. */
export type SubtreeId = { level: number; index: number };
/** Returns the stored hash of a perfect subtree, or undefined if the store lacks it. */
export type SubtreeLookup = (level: number, index: number) => Uint8Array | undefined;
/** A half-open leaf range [start, end). */
export type LeafRange = readonly [start: number, end: number];

export function assertSize(size: number, name = "size"): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new MerkleProofError("merkle_size_invalid", `${name} must be a non-negative safe integer, got ${size}`, { computed: size });
  }
}

/** Largest power of two strictly below n (n ≥ 2): the split point k of RFC 9162 §2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The perfect subtrees covering [start, end), left to right; start must be aligned as in every RFC 9162 range. */
export function rangeSubtrees(start: number, end: number): SubtreeId[] {
  const out: SubtreeId[] = [];
  let at = start;
  while (at < end) {
    let width = 1, level = 0;
    while (at % (width * 2) === 0 && at + width * 2 <= end) { width *= 2; level++; }
    out.push({ level, index: at / width });
    at += width;
  }
  return out;
}

/** Ranges whose hashes form the inclusion proof of `index` in a tree of `size`, leaf-side first (RFC 9162 §2.1.3.1). */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  assertSize(size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new MerkleProofError("merkle_index_out_of_range", `leaf index ${index} is not in a tree of size ${size}`, { expected: `< ${size}`, computed: index });
  }
  const out: LeafRange[] = [];
  let lo = 0, hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) { out.push([lo + k, hi]); hi = lo + k; } else { out.push([lo, lo + k]); lo += k; }
  }
  return out.reverse();
}

/** Ranges whose hashes form the consistency proof from oldSize to newSize (RFC 9162 §2.1.4.1 SUBPROOF). */
export function consistencyRanges(oldSize: number, newSize: number): LeafRange[] {
  assertSize(oldSize, "oldSize");
  assertSize(newSize, "newSize");
  if (oldSize > newSize) {
    throw new MerkleProofError("merkle_size_invalid", `old size ${oldSize} exceeds new size ${newSize}`, { expected: `<= ${newSize}`, computed: oldSize });
  }
  if (oldSize === 0 || oldSize === newSize) return [];
  const out: LeafRange[] = [];
  let lo = 0, hi = newSize, complete = true;
  for (;;) {
    const m = oldSize - lo;
    if (m === hi - lo) { if (!complete) out.push([lo, hi]); break; }
    const k = splitPoint(hi - lo);
    if (m <= k) { out.push([lo + k, hi]); hi = lo + k; } else { out.push([lo, lo + k]); lo += k; complete = false; }
  }
  return out.reverse();
}

function subtreesOf(ranges: LeafRange[]): SubtreeId[] {
  return ranges.flatMap(([a, b]) => rangeSubtrees(a, b));
}

/** The perfect subtrees whose hashes an inclusion proof needs (to fetch from storage). */
export function subtreesForInclusion(index: number, size: number): SubtreeId[] {
  return subtreesOf(inclusionRanges(index, size));
}

/** The perfect subtrees whose hashes a consistency proof needs (to fetch from storage). */
export function subtreesForConsistency(oldSize: number, newSize: number): SubtreeId[] {
  return subtreesOf(consistencyRanges(oldSize, newSize));
}

/** The perfect subtrees whose hashes fold into the root of a tree of `size`. */
export function subtreesForRoot(size: number): SubtreeId[] {
  assertSize(size);
  return rangeSubtrees(0, size);
}

/** MTH of [start, end) folded from stored perfect subtrees. */
export function rangeHash(start: number, end: number, lookup: SubtreeLookup): Buffer {
  if (start === end) return Buffer.from(EMPTY_ROOT);
  const ids = rangeSubtrees(start, end);
  let acc: Buffer | undefined;
  for (let i = ids.length - 1; i >= 0; i--) {
    const { level, index } = ids[i]!;
    const h = lookup(level, index);
    if (h === undefined || h.length !== 32) {
      throw new MerkleProofError("merkle_subtree_missing", `no 32-byte hash for subtree level ${level} index ${index}`, { expected: { level, index } });
    }
    acc = acc === undefined ? Buffer.from(h) : nodeHash(h, acc);
  }
  return acc!;
}

export function inclusionProofFromSubtrees(index: number, size: number, lookup: SubtreeLookup): Buffer[] {
  return inclusionRanges(index, size).map(([a, b]) => rangeHash(a, b, lookup));
}

export function consistencyProofFromSubtrees(oldSize: number, newSize: number, lookup: SubtreeLookup): Buffer[] {
  return consistencyRanges(oldSize, newSize).map(([a, b]) => rangeHash(a, b, lookup));
}

export function rootFromSubtrees(size: number, lookup: SubtreeLookup): Buffer {
  assertSize(size);
  return rangeHash(0, size, lookup);
}
