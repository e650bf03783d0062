// Range inclusion proofs (docs/PROTOCOL.md §7.1) against the in-memory tree, the committed vectors, and properties.
import t from "tap";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import {
  MerkleProofError, MerkleTree, leafHash, rangeProofFromSubtrees, rangeProofRanges, subtreesForRange, toHex32, verifyRangeInclusion,
} from "../../core/index.ts";
import { merkleLeafData } from "./vectors/merkle.ts";

const leavesOf = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`range leaf ${salt} ${i}`)));
const flip = (b: Buffer, bit: number) => { const c = Buffer.from(b); c[bit >> 3]! ^= 1 << (bit & 7); return c; };
const code = (f: () => void) => { try { f(); return "ok"; } catch (e) { return (e as MerkleProofError).code; } };
const leavesIn = (tree: MerkleTree, begin: number, end: number) => Array.from({ length: end - begin }, (_, i) => tree.leaf(begin + i));

t.test("committed vectors verify against the tree of merkle.json", async (t) => {
  const tree = MerkleTree.fromEntries(merkleLeafData());
  const vectors = JSON.parse(readFileSync(new URL("../../docs/vectors/merkle-range.json", import.meta.url), "utf8")) as { ranges: { begin: number; end: number; size: number; root: string; proof: string[] }[] };
  t.ok(vectors.ranges.length > 100);
  for (const v of vectors.ranges) {
    t.equal(v.root, toHex32(tree.root(v.size)));
    verifyRangeInclusion(v.begin, leavesIn(tree, v.begin, v.end), v.size, v.proof, v.root);
  }
  // [2, 6) of 8 is proven by MTH(D[0:2]) and MTH(D[6:8]), the inclusion proof of 5 in 8 holds the latter
  const two = vectors.ranges.find((v) => v.size === 8 && v.begin === 2 && v.end === 6)!;
  t.same(two.proof, [toHex32(tree.root(2)), toHex32(tree.inclusionProof(5, 8)[1]!)]);
});

t.test("a one-leaf range proof holds exactly the inclusion proof's hashes", async (t) => {
  const tree = MerkleTree.fromLeafHashes(leavesOf(45, 3));
  for (let n = 1; n <= 45; n++) for (let i = 0; i < n; i++) {
    const range = rangeProofFromSubtrees(i, i + 1, n, tree.lookup).map(toHex32).sort();
    const path = tree.inclusionProof(i, n).map(toHex32).sort();
    if (JSON.stringify(range) !== JSON.stringify(path)) t.fail(`index ${i} size ${n}`);
  }
  t.pass("all sizes up to 45");
});

t.test("property: every range verifies; tampering with a hash, the leaves, or begin fails", async (t) => {
  const tree = MerkleTree.fromLeafHashes(leavesOf(300, 1));
  const arb = fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1)))
    .chain(([n, b]) => fc.tuple(fc.constant(n), fc.constant(b), fc.integer({ min: b + 1, max: n }), fc.nat(255), fc.nat(1000)));
  t.doesNotThrow(() => fc.assert(fc.property(arb, ([n, begin, end, bit, which]) => {
    const proof = rangeProofFromSubtrees(begin, end, n, tree.lookup), leaves = leavesIn(tree, begin, end), root = tree.root(n);
    if (code(() => verifyRangeInclusion(begin, leaves, n, proof, root)) !== "ok") return false;
    if (proof.length > 2 * Math.ceil(Math.log2(n))) return false;
    if (subtreesForRange(begin, end, n).length < proof.length) return false;
    if (code(() => verifyRangeInclusion(begin, leaves, n, proof, flip(root, bit))) !== "merkle_root_mismatch") return false;
    const k = which % leaves.length;
    if (code(() => verifyRangeInclusion(begin, leaves.map((l, j) => (j === k ? flip(l, bit) : l)), n, proof, root)) === "ok") return false;
    if (proof.length > 0) {
      const p = which % proof.length;
      if (code(() => verifyRangeInclusion(begin, leaves, n, proof.map((h, j) => (j === p ? flip(h, bit) : h)), root)) === "ok") return false;
      if (code(() => verifyRangeInclusion(begin, leaves, n, proof.slice(1), root)) !== "merkle_proof_size") return false;
    }
    if (leaves.length > 1) {
      if (code(() => verifyRangeInclusion(begin, leaves.filter((_, j) => j !== k), n, proof, root)) === "ok") return false; // dropped
      const swapped = [...leaves]; [swapped[k], swapped[(k + 1) % leaves.length]] = [swapped[(k + 1) % leaves.length]!, swapped[k]!];
      if (code(() => verifyRangeInclusion(begin, swapped, n, proof, root)) === "ok") return false; // reordered
    }
    if (begin > 0 && code(() => verifyRangeInclusion(begin - 1, leaves, n, proof, root)) === "ok") return false;
    return end === n || code(() => verifyRangeInclusion(begin + 1, leaves, n, proof, root)) !== "ok";
  }), { numRuns: 600 }));
});

t.test("malformed requests carry typed codes and evidence", async (t) => {
  const tree = MerkleTree.fromLeafHashes(leavesOf(10, 2));
  t.equal(code(() => rangeProofRanges(3, 3, 10)), "merkle_index_out_of_range");
  t.equal(code(() => rangeProofRanges(5, 11, 10)), "merkle_index_out_of_range");
  t.equal(code(() => rangeProofRanges(-1, 2, 10)), "merkle_index_out_of_range");
  t.equal(code(() => verifyRangeInclusion(0, [], 10, [], tree.root())), "merkle_index_out_of_range");
  t.equal(code(() => rangeProofRanges(0, 1, 1.5)), "merkle_size_invalid");
  t.equal(code(() => rangeProofFromSubtrees(0, 4, 10, () => undefined)), "merkle_subtree_missing");
  const proof = rangeProofFromSubtrees(2, 7, 10, tree.lookup);
  try {
    verifyRangeInclusion(2, leavesIn(tree, 2, 7), 10, proof, tree.root(9));
    t.fail("wrong root accepted");
  } catch (e) {
    t.ok(e instanceof MerkleProofError);
    t.equal((e as MerkleProofError).code, "merkle_root_mismatch");
    t.equal((e as MerkleProofError).expected, toHex32(tree.root(9)));
    t.equal((e as MerkleProofError).computed, toHex32(tree.root(10)));
  }
  t.same(rangeProofRanges(0, 10, 10), [], "the whole tree needs no proof hashes");
  t.same(rangeProofRanges(0, 3, 2 ** 40).length, 39, "beyond 2^32: [3, 4) and [2^j, 2^(j+1)) for j = 2..39");
});
