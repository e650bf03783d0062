// Multi-leaf inclusion proofs (docs/PROTOCOL.md §7.2): the single-leaf inclusion proof and the range proof are oracles.
import t from "tap";
import fc from "fast-check";
import {
  MerkleProofError, MerkleTree, leafHash, multiProofFromSubtrees, rangeProofFromSubtrees, rootFromInclusionProof, toHex32, verifyMultiInclusion,
} from "../../core/index.ts";

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`multi leaf ${i}`)));
const code = (f: () => void) => { try { f(); return "ok"; } catch (e) { return (e as MerkleProofError).code; } };
const tree = MerkleTree.fromLeafHashes(leavesOf(300));
const arbSet = fc.integer({ min: 1, max: 300 }).chain((n) =>
  fc.tuple(fc.constant(n), fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: 12 }).map((a) => [...a].sort((x, y) => x - y))));

t.test("one leaf: the multi proof holds the inclusion proof's hashes and gives its root", async (t) => {
  for (let n = 1; n <= 40; n++) for (let i = 0; i < n; i++) {
    const multi = multiProofFromSubtrees([i], n, tree.lookup);
    const path = tree.inclusionProof(i, n);
    if (JSON.stringify(multi.map(toHex32).sort()) !== JSON.stringify(path.map(toHex32).sort())) t.fail(`index ${i} size ${n}`);
    verifyMultiInclusion([i], [tree.leaf(i)], n, multi, rootFromInclusionProof(i, n, tree.leaf(i), path));
  }
  t.pass("sizes 1..40");
});

t.test("contiguous leaves: the multi proof is the range proof", async (t) => {
  for (let n = 1; n <= 20; n++) for (let b = 0; b < n; b++) for (let e = b + 1; e <= n; e++) {
    const idx = Array.from({ length: e - b }, (_, i) => b + i);
    if (JSON.stringify(multiProofFromSubtrees(idx, n, tree.lookup).map(toHex32)) !== JSON.stringify(rangeProofFromSubtrees(b, e, n, tree.lookup).map(toHex32))) t.fail(`[${b},${e}) of ${n}`);
  }
  t.pass("sizes 1..20");
});

t.test("property: every set verifies against the tree root, within k·⌈log2 n⌉ hashes; tampering fails", async (t) => {
  fc.assert(fc.property(arbSet, fc.nat(), ([n, idx], pick) => {
    const proof = multiProofFromSubtrees(idx, n, tree.lookup);
    const leaves = idx.map((i) => tree.leaf(i));
    const root = tree.root(n);
    verifyMultiInclusion(idx, leaves, n, proof, root);
    if (proof.length > idx.length * Math.ceil(Math.log2(Math.max(n, 2)))) return false;
    // every leaf also verifies alone (oracle), and a flipped leaf or proof hash fails with both roots
    for (const i of idx) if (!rootFromInclusionProof(i, n, tree.leaf(i), tree.inclusionProof(i, n)).equals(root)) return false;
    const badLeaves = leaves.map((l, j) => (j === pick % leaves.length ? leafHash(Buffer.from("x")) : l));
    try { verifyMultiInclusion(idx, badLeaves, n, proof, root); return false; } catch (e) {
      const err = e as MerkleProofError;
      if (err.code !== "merkle_root_mismatch" || err.expected !== toHex32(root) || typeof err.computed !== "string") return false;
    }
    if (proof.length > 0) {
      const bad = proof.map((h, j) => (j === pick % proof.length ? leafHash(Buffer.from("y")) : h));
      if (code(() => verifyMultiInclusion(idx, leaves, n, bad, root)) !== "merkle_root_mismatch") return false;
    }
    return code(() => verifyMultiInclusion(idx, leaves, n, [...proof, root], root)) === "merkle_proof_size";
  }), { numRuns: 300 });
  t.pass();
});

t.test("malformed requests are rejected before hashing", async (t) => {
  t.equal(code(() => verifyMultiInclusion([], [], 4, [], tree.root(4))), "merkle_index_out_of_range");
  t.equal(code(() => verifyMultiInclusion([2, 1], [tree.leaf(2), tree.leaf(1)], 4, [], tree.root(4))), "merkle_index_out_of_range");
  t.equal(code(() => verifyMultiInclusion([1, 1], [tree.leaf(1), tree.leaf(1)], 4, [], tree.root(4))), "merkle_index_out_of_range");
  t.equal(code(() => verifyMultiInclusion([4], [tree.leaf(0)], 4, [], tree.root(4))), "merkle_index_out_of_range");
  t.equal(code(() => verifyMultiInclusion([0, 1], [tree.leaf(0)], 4, [], tree.root(4))), "merkle_proof_size");
});

t.test("committed vectors (docs/vectors/multi-proof.json) verify against the tree of merkle.json", async (t) => {
  const { readFileSync } = await import("node:fs");
  const { merkleLeafData } = await import("./vectors/merkle.ts");
  const mt = MerkleTree.fromEntries(merkleLeafData());
  const v = JSON.parse(readFileSync(new URL("../../docs/vectors/multi-proof.json", import.meta.url), "utf8")) as { proofs: { size: number; indexes: number[]; root: string; proof: string[] }[] };
  t.equal(v.proofs.length, 132);
  for (const p of v.proofs) {
    t.equal(p.root, toHex32(mt.root(p.size)));
    verifyMultiInclusion(p.indexes, p.indexes.map((i) => mt.leaf(i)), p.size, p.proof, p.root);
  }
});
