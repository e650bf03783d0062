// RFC 9162 proof verification, ported from transparency-dev/merkle proof/verify.go.
// Index arithmetic uses BigInt: JS bitwise operators are 32-bit and logs grow beyond 2^32 leaves.
import { MerkleProofError } from "./errors.ts";
import { nodeHash } from "./hash.ts";
import { toBytes32, toHex32, type Bytes32Like } from "./hex.ts";

type Size = number | bigint;

function big(value: Size, name: string): bigint {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new MerkleProofError("merkle_size_invalid", `${name} must be a safe integer, got ${value}`, { computed: value });
  }
  const v = BigInt(value);
  if (v < 0n || v >= 1n << 64n) throw new MerkleProofError("merkle_size_invalid", `${name} must be a uint64, got ${v}`, { computed: String(v) });
  return v;
}
function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}
function onesCount(x: bigint): number {
  let n = 0;
  for (const c of x.toString(2)) if (c === "1") n++;
  return n;
}
function trailingZeros(x: bigint): number {
  let n = 0;
  while (x > 0n && (x & 1n) === 0n) { x >>= 1n; n++; }
  return n;
}
/** Number of proof hashes below the border (inner) and on the right border of a size-`size` tree for leaf `index`. */
function decompose(index: bigint, size: bigint): [inner: number, border: number] {
  const inner = bitLength(index ^ (size - 1n));
  return [inner, onesCount(index >> BigInt(inner))];
}
function chainInner(seed: Buffer, proof: Buffer[], index: bigint): Buffer {
  proof.forEach((h, i) => { seed = ((index >> BigInt(i)) & 1n) === 0n ? nodeHash(seed, h) : nodeHash(h, seed); });
  return seed;
}
function chainInnerRight(seed: Buffer, proof: Buffer[], index: bigint): Buffer {
  proof.forEach((h, i) => { if (((index >> BigInt(i)) & 1n) === 1n) seed = nodeHash(h, seed); });
  return seed;
}
function chainBorderRight(seed: Buffer, proof: Buffer[]): Buffer {
  for (const h of proof) seed = nodeHash(h, seed);
  return seed;
}
function proofSizeError(got: number, want: number): MerkleProofError {
  return new MerkleProofError("merkle_proof_size", `proof has ${got} hashes, expected ${want}`, { expected: want, computed: got });
}
function match(code: "merkle_root_mismatch" | "merkle_old_root_mismatch" | "merkle_new_root_mismatch", computed: Buffer, expected: Buffer): void {
  if (!computed.equals(expected)) {
    throw new MerkleProofError(code, `calculated root ${toHex32(computed)} differs from expected ${toHex32(expected)}`, { expected: toHex32(expected), computed: toHex32(computed) });
  }
}

/** The root implied by an inclusion proof of `leafHash` at `index` in a tree of `size`; throws on malformed input. */
export function rootFromInclusionProof(index: Size, size: Size, leafHash: Bytes32Like, proof: readonly Bytes32Like[]): Buffer {
  const i = big(index, "index"), n = big(size, "size");
  if (i >= n) throw new MerkleProofError("merkle_index_out_of_range", `index ${i} is beyond size ${n}`, { expected: `< ${n}`, computed: String(i) });
  const [inner, border] = decompose(i, n);
  if (proof.length !== inner + border) throw proofSizeError(proof.length, inner + border);
  const hashes = proof.map(toBytes32);
  const res = chainInner(Buffer.from(toBytes32(leafHash)), hashes.slice(0, inner), i);
  return chainBorderRight(res, hashes.slice(inner));
}

/** Throws MerkleProofError unless `proof` shows `leafHash` at `index` in the tree of `size` with `root`. */
export function verifyInclusion(index: Size, size: Size, leafHash: Bytes32Like, proof: readonly Bytes32Like[], root: Bytes32Like): void {
  match("merkle_root_mismatch", rootFromInclusionProof(index, size, leafHash, proof), toBytes32(root));
}

/** Throws MerkleProofError unless `proof` shows the tree (size2, root2) extends the tree (size1, root1). */
export function verifyConsistency(size1: Size, size2: Size, proof: readonly Bytes32Like[], root1: Bytes32Like, root2: Bytes32Like): void {
  const m = big(size1, "size1"), n = big(size2, "size2");
  const r1 = toBytes32(root1), r2 = toBytes32(root2);
  if (n < m) throw new MerkleProofError("merkle_size_invalid", `size2 ${n} is below size1 ${m}`, { expected: `>= ${m}`, computed: String(n) });
  // The empty tree's root is public (SHA-256("")), so a proof from size 0 would "verify" any root2: it proves
  // nothing and is rejected (transparency-dev/merkle too). A first checkpoint has no predecessor to check against.
  if (m === 0n) throw new MerkleProofError("merkle_size_invalid", "a consistency proof from the empty tree proves nothing", { expected: ">= 1", computed: "0" });
  if (m === n) {
    if (proof.length > 0) throw proofSizeError(proof.length, 0);
    return match("merkle_root_mismatch", r2, r1);
  }
  if (proof.length === 0) throw proofSizeError(0, 1);
  const hashes = proof.map(toBytes32);
  let [inner, border] = decompose(m - 1n, n);
  const shift = trailingZeros(m);
  inner -= shift;
  // The proof starts with the hash of the 2^shift subtree that ends the old tree, unless the old tree is that subtree.
  let seed = hashes[0]!, start = 1;
  if (m === 1n << BigInt(shift)) { seed = r1; start = 0; }
  if (hashes.length !== start + inner + border) throw proofSizeError(hashes.length, start + inner + border);
  const rest = hashes.slice(start);
  const mask = (m - 1n) >> BigInt(shift);
  const hash1 = chainBorderRight(chainInnerRight(Buffer.from(seed), rest.slice(0, inner), mask), rest.slice(inner));
  match("merkle_old_root_mismatch", hash1, r1);
  const hash2 = chainBorderRight(chainInner(Buffer.from(seed), rest.slice(0, inner), mask), rest.slice(inner));
  match("merkle_new_root_mismatch", hash2, r2);
}
