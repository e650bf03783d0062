// Incremental appender: the compact range [0, size) as its perfect subtrees (the "frontier"), largest first.
// Appending a leaf emits every perfect subtree it completes, so a store can persist all of them as they appear.
import { MerkleProofError } from "./errors.ts";
import { EMPTY_ROOT, nodeHash } from "./hash.ts";
import { toBytes32, type Bytes32Like } from "./hex.ts";
import { rangeSubtrees, assertSize, type SubtreeId } from "./merkle-ranges.ts";

export type Subtree = SubtreeId & { hash: Buffer };

export class CompactRange {
  #size: number;
  readonly #frontier: Subtree[];

  private constructor(size: number, frontier: Subtree[]) {
    this.#size = size;
    this.#frontier = frontier;
  }

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** The subtree ids that make up the frontier of a tree of `size` (what to load to resume appending). */
  static frontierIds(size: number): SubtreeId[] {
    assertSize(size);
    return rangeSubtrees(0, size);
  }

  /** Resumes from stored frontier hashes, given in frontierIds(size) order. */
  static fromFrontier(size: number, hashes: readonly Bytes32Like[]): CompactRange {
    const ids = CompactRange.frontierIds(size);
    if (hashes.length !== ids.length) {
      throw new MerkleProofError("merkle_proof_size", `a tree of size ${size} has ${ids.length} frontier subtrees, got ${hashes.length}`, { expected: ids.length, computed: hashes.length });
    }
    return new CompactRange(size, ids.map((id, i) => ({ ...id, hash: Buffer.from(toBytes32(hashes[i]!)) })));
  }

  get size(): number {
    return this.#size;
  }

  /** Current frontier, largest subtree first. */
  frontier(): Subtree[] {
    return this.#frontier.map((s) => ({ ...s }));
  }

  /** Appends one leaf hash; returns the subtrees it completed, bottom-up, starting with the leaf {0, size}. */
  append(leafHash: Bytes32Like): Subtree[] {
    const leaf: Subtree = { level: 0, index: this.#size, hash: Buffer.from(toBytes32(leafHash)) };
    const completed = [leaf];
    this.#frontier.push(leaf);
    this.#size++;
    for (;;) {
      const right = this.#frontier[this.#frontier.length - 1]!;
      const left = this.#frontier[this.#frontier.length - 2];
      if (left === undefined || left.level !== right.level) break;
      this.#frontier.length -= 2;
      const parent = { level: left.level + 1, index: Math.floor(left.index / 2), hash: nodeHash(left.hash, right.hash) };
      this.#frontier.push(parent);
      completed.push(parent);
    }
    return completed;
  }

  /** Appends many leaf hashes; returns all completed subtrees in order. */
  appendAll(leafHashes: Iterable<Bytes32Like>): Subtree[] {
    const out: Subtree[] = [];
    for (const h of leafHashes) out.push(...this.append(h));
    return out;
  }

  /** MTH of the leaves appended so far. */
  root(): Buffer {
    if (this.#frontier.length === 0) return Buffer.from(EMPTY_ROOT);
    let acc = this.#frontier[this.#frontier.length - 1]!.hash;
    for (let i = this.#frontier.length - 2; i >= 0; i--) acc = nodeHash(this.#frontier[i]!.hash, acc);
    return Buffer.from(acc);
  }
}
