// In-memory RFC 9162 tree over a flat buffer of leaf hashes (n × 32 bytes). It stores every perfect subtree
// hash level by level (about 2n hashes), so roots and proofs for any size ≤ n need no rehashing of leaves.
import { hash } from "node:crypto";
import { MerkleProofError } from "./errors.ts";
import { leafHash } from "./hash.ts";
import { toBytes32, type Bytes32Like } from "./hex.ts";
import {
  assertSize, consistencyProofFromSubtrees, inclusionProofFromSubtrees, rootFromSubtrees, type SubtreeLookup,
} from "./merkle-ranges.ts";

/** Builds level l+1 from level l: each pair of adjacent hashes is 64 contiguous bytes, so one copy per node. */
function buildLevel(below: Buffer, count: number): Buffer {
  const out = Buffer.allocUnsafe(count * 32);
  const scratch = Buffer.allocUnsafe(65);
  scratch[0] = 0x01;
  for (let i = 0; i < count; i++) {
    below.copy(scratch, 1, i * 64, i * 64 + 64);
    hash("sha256", scratch, "buffer").copy(out, i * 32);
  }
  return out;
}

export class MerkleTree {
  readonly size: number;
  /** levels[l] holds floor(size / 2^l) perfect-subtree hashes; levels[0] are the leaf hashes. */
  readonly #levels: Buffer[];

  /** `leafHashes` is n × 32 bytes; it is used in place (not copied), so do not mutate it afterwards. */
  constructor(leafHashes: Uint8Array) {
    if (leafHashes.length % 32 !== 0) throw new RangeError("leaf buffer length must be a multiple of 32");
    this.size = leafHashes.length / 32;
    const leaves = Buffer.isBuffer(leafHashes) ? leafHashes : Buffer.from(leafHashes.buffer, leafHashes.byteOffset, leafHashes.byteLength);
    this.#levels = [leaves];
    for (let n = Math.floor(this.size / 2), below = leaves; n >= 1; n = Math.floor(n / 2)) {
      below = buildLevel(below, n);
      this.#levels.push(below);
    }
  }

  /** Tree over already-computed leaf hashes (record hashes). */
  static fromLeafHashes(hashes: readonly Bytes32Like[]): MerkleTree {
    const flat = Buffer.allocUnsafe(hashes.length * 32);
    hashes.forEach((h, i) => toBytes32(h).copy(flat, i * 32));
    return new MerkleTree(flat);
  }

  /** Tree over raw entries, each hashed as an RFC 9162 leaf. */
  static fromEntries(entries: readonly Uint8Array[]): MerkleTree {
    const flat = Buffer.allocUnsafe(entries.length * 32);
    entries.forEach((e, i) => leafHash(e).copy(flat, i * 32));
    return new MerkleTree(flat);
  }

  /** Hash of the perfect subtree {level, index} (a view into the tree), or undefined if it is not complete. */
  subtree(level: number, index: number): Buffer | undefined {
    const row = this.#levels[level];
    if (row === undefined || !Number.isInteger(index) || index < 0 || (index + 1) * 32 > row.length) return undefined;
    return row.subarray(index * 32, index * 32 + 32);
  }

  /** A SubtreeLookup over this tree, for the storage-agnostic proof functions. */
  readonly lookup: SubtreeLookup = (level, index) => this.subtree(level, index);

  leaf(index: number): Buffer {
    const h = this.subtree(0, index);
    if (h === undefined) throw new MerkleProofError("merkle_index_out_of_range", `no leaf ${index} in a tree of size ${this.size}`, { expected: `< ${this.size}`, computed: index });
    return h;
  }

  #checkSize(size: number): void {
    assertSize(size);
    if (size > this.size) throw new MerkleProofError("merkle_size_invalid", `size ${size} exceeds the tree's ${this.size} leaves`, { expected: `<= ${this.size}`, computed: size });
  }

  /** MTH of the first `size` leaves (default: all). */
  root(size: number = this.size): Buffer {
    this.#checkSize(size);
    return rootFromSubtrees(size, this.lookup);
  }

  /** Audit path of leaf `index` in the tree of the first `size` leaves. */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.#checkSize(size);
    return inclusionProofFromSubtrees(index, size, this.lookup);
  }

  /** Consistency proof between the trees of the first oldSize and newSize leaves. */
  consistencyProof(oldSize: number, newSize: number = this.size): Buffer[] {
    this.#checkSize(newSize);
    return consistencyProofFromSubtrees(oldSize, newSize, this.lookup);
  }
}
