// RFC 9162 Merkle code against published CT vectors, a literal recursive oracle, sigstore's verifier, and properties.
import t from "tap";
import fc from "fast-check";
import { createRequire } from "node:module";
import {
  CompactRange, MerkleProofError, MerkleTree, inclusionProofFromSubtrees, consistencyProofFromSubtrees, rootFromSubtrees,
  rootFromInclusionProof, subtreesForConsistency, subtreesForInclusion, toHex32, verifyConsistency, verifyInclusion, leafHash,
} from "../../core/index.ts";
import { refConsistency, refLeafHash, refPath, refRoot } from "./helpers/rfc9162-reference.ts";

const require = createRequire(import.meta.url);
const { verifyMerkleInclusion } = require("@sigstore/verify/dist/tlog/merkle") as {
  verifyMerkleInclusion: (entry: unknown, checkpoint: unknown) => void;
};

const hex = (b: Buffer[]) => b.map((x) => x.toString("hex"));
const leavesOf = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${salt} ${i}`)));

// Published RFC 6962 test data (certificate-transparency merkle_tree_test.cc, also used by transparency-dev/merkle).
const CT_DATA = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((h) => Buffer.from(h, "hex"));
const CT_ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125", "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7", "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef", "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const CT_INCLUSION: [index: number, size: number, proof: string[]][] = [
  [0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]],
  [5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
  [2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]],
  [1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]],
];
const CT_CONSISTENCY: [m: number, n: number, proof: string[]][] = [
  [1, 1, []],
  [1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]],
  [6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
  [2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]],
];

t.test("published RFC 6962 vectors", async (t) => {
  const tree = MerkleTree.fromEntries(CT_DATA);
  for (let n = 0; n <= 8; n++) t.equal(tree.root(n).toString("hex"), CT_ROOTS[n], `root of size ${n}`);
  for (const [i, n, proof] of CT_INCLUSION) {
    t.same(hex(tree.inclusionProof(i, n)), proof, `inclusion ${i} in ${n}`);
    t.doesNotThrow(() => verifyInclusion(i, n, tree.leaf(i), proof.map((p) => "0x" + p), "0x" + CT_ROOTS[n]));
  }
  for (const [m, n, proof] of CT_CONSISTENCY) {
    t.same(hex(tree.consistencyProof(m, n)), proof, `consistency ${m} → ${n}`);
    t.doesNotThrow(() => verifyConsistency(m, n, proof.map((p) => "0x" + p), "0x" + CT_ROOTS[m], "0x" + CT_ROOTS[n]));
  }
});

t.test("every root and proof equals the literal RFC 9162 oracle for sizes 0..40", async (t) => {
  const data = Array.from({ length: 40 }, (_, i) => Buffer.from([i, i * 7]));
  const leaves = data.map(refLeafHash);
  const tree = MerkleTree.fromEntries(data);
  let mismatches = 0;
  for (let n = 0; n <= 40; n++) {
    if (!tree.root(n).equals(refRoot(leaves.slice(0, n)))) mismatches++;
    for (let i = 0; i < n; i++) if (hex(tree.inclusionProof(i, n)).join() !== hex(refPath(i, leaves.slice(0, n))).join()) mismatches++;
    for (let m = 0; m <= n; m++) if (hex(tree.consistencyProof(m, n)).join() !== hex(refConsistency(m, leaves.slice(0, n))).join()) mismatches++;
  }
  t.equal(mismatches, 0, "no root or proof differs from the oracle");
});

t.test("sigstore's independent RFC 6962 verifier accepts our inclusion proofs and rejects tampered ones", async (t) => {
  const data = Array.from({ length: 37 }, (_, i) => Buffer.from(`entry ${i}`));
  const tree = MerkleTree.fromEntries(data);
  for (const n of [1, 2, 5, 16, 37]) {
    for (let i = 0; i < n; i++) {
      const entry = (hashes: Buffer[]) => ({ canonicalizedBody: data[i], inclusionProof: { logIndex: String(i), hashes } });
      const proof = tree.inclusionProof(i, n);
      t.doesNotThrow(() => verifyMerkleInclusion(entry(proof), { logSize: String(n), logHash: tree.root(n) }));
      if (proof.length > 0) {
        const bad = proof.map((p, k) => (k === 0 ? Buffer.from(p.map((b, j) => (j === 0 ? b ^ 1 : b))) : p));
        t.throws(() => verifyMerkleInclusion(entry(bad), { logSize: String(n), logHash: tree.root(n) }));
      }
    }
  }
});

t.test("typed errors keep the expected and calculated roots", async (t) => {
  const tree = MerkleTree.fromLeafHashes(leavesOf(5));
  const wrongRoot = tree.root(4);
  const err = t.throws(() => verifyInclusion(1, 5, tree.leaf(1), tree.inclusionProof(1), wrongRoot)) as MerkleProofError;
  t.equal(err.code, "merkle_root_mismatch");
  t.equal(err.expected, toHex32(wrongRoot));
  t.equal(err.computed, toHex32(tree.root()));
  t.equal((t.throws(() => verifyInclusion(5, 5, tree.leaf(1), [], tree.root())) as MerkleProofError).code, "merkle_index_out_of_range");
  t.equal((t.throws(() => verifyInclusion(1, 5, tree.leaf(1), [], tree.root())) as MerkleProofError).code, "merkle_proof_size");
  t.equal((t.throws(() => verifyConsistency(5, 4, [], tree.root(), tree.root(4))) as MerkleProofError).code, "merkle_size_invalid");
  // The empty tree's root is public (SHA-256("")), so "consistent from size 0" would accept any new root at all.
  for (const n of [0, 1, 5]) {
    t.equal((t.throws(() => verifyConsistency(0, n, [], tree.root(0), tree.root(5))) as MerkleProofError).code, "merkle_size_invalid", `0 → ${n}`);
  }
  t.equal((t.throws(() => verifyConsistency(0, 5, [], tree.root(0), "0x" + "ab".repeat(32))) as MerkleProofError).code, "merkle_size_invalid", "any claimed root");
  const c = t.throws(() => verifyConsistency(3, 5, tree.consistencyProof(3, 5), tree.root(2), tree.root())) as MerkleProofError;
  t.equal(c.code, "merkle_old_root_mismatch");
  const d = t.throws(() => verifyConsistency(3, 5, tree.consistencyProof(3, 5), tree.root(3), tree.root(4))) as MerkleProofError;
  t.equal(d.code, "merkle_new_root_mismatch");
  t.equal((t.throws(() => rootFromSubtrees(5, () => undefined)) as MerkleProofError).code, "merkle_subtree_missing");
});

const flip = (b: Buffer, bit: number) => { const c = Buffer.from(b); c[bit >> 3]! ^= 1 << (bit & 7); return c; };
const code = (f: () => void) => { try { f(); return "ok"; } catch (e) { return (e as MerkleProofError).code; } };

t.test("property: inclusion proofs verify, and any flipped bit or wrong index fails", async (t) => {
  const tree = MerkleTree.fromLeafHashes(leavesOf(300, 1));
  t.doesNotThrow(() => fc.assert(fc.property(fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat(255), fc.nat(64))),
    ([n, i, bit, which]) => {
      const proof = tree.inclusionProof(i, n), leaf = tree.leaf(i), root = tree.root(n);
      if (code(() => verifyInclusion(i, n, leaf, proof, root)) !== "ok") return false;
      if (code(() => verifyInclusion(i, n, flip(leaf, bit), proof, root)) === "ok") return false;
      if (code(() => verifyInclusion(i, n, leaf, proof, flip(root, bit))) === "ok") return false;
      if (proof.length > 0) {
        const k = which % proof.length;
        if (code(() => verifyInclusion(i, n, leaf, proof.map((p, j) => (j === k ? flip(p, bit) : p)), root)) === "ok") return false;
      }
      return n === 1 || code(() => verifyInclusion((i + 1) % n, n, leaf, proof, root)) !== "ok";
    }), { numRuns: 400 }));
});

t.test("property: consistency proofs verify, and any flipped bit fails", async (t) => {
  const tree = MerkleTree.fromLeafHashes(leavesOf(300, 2));
  t.doesNotThrow(() => fc.assert(fc.property(fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.nat(n), fc.constant(n), fc.nat(255), fc.nat(64))),
    ([m, n, bit, which]) => {
      const proof = tree.consistencyProof(m, n), r1 = tree.root(m), r2 = tree.root(n);
      // A proof from the empty tree proves nothing (no root to bind): rejected, as transparency-dev/merkle does.
      if (m === 0) return code(() => verifyConsistency(m, n, proof, r1, r2)) === "merkle_size_invalid";
      if (code(() => verifyConsistency(m, n, proof, r1, r2)) !== "ok") return false;
      if (code(() => verifyConsistency(m, n, proof, r1, flip(r2, bit))) === "ok") return false;
      if (code(() => verifyConsistency(m, n, proof, flip(r1, bit), r2)) === "ok") return false;
      if (proof.length === 0) return true;
      const k = which % proof.length;
      return code(() => verifyConsistency(m, n, proof.map((p, j) => (j === k ? flip(p, bit) : p)), r1, r2)) !== "ok";
    }), { numRuns: 400 }));
});

t.test("property: the appender emits every subtree, and proofs from those stored subtrees equal the oracle's", async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(fc.integer({ min: 1, max: 130 }), fc.nat(1000), (n, salt) => {
    const leaves = leavesOf(n, salt);
    const store = new Map<string, Buffer>();
    const range = CompactRange.empty();
    for (const s of range.appendAll(leaves)) store.set(`${s.level}/${s.index}`, s.hash);
    const lookup = (level: number, index: number) => store.get(`${level}/${index}`);
    if (!range.root().equals(refRoot(leaves))) return false;
    if (!rootFromSubtrees(n, lookup).equals(refRoot(leaves))) return false;
    for (let m = 1; m <= n; m++) {
      const sub = leaves.slice(0, m);
      const i = (salt * 7919) % m;
      if (hex(inclusionProofFromSubtrees(i, m, lookup)).join() !== hex(refPath(i, sub)).join()) return false;
      if (hex(consistencyProofFromSubtrees(m, n, lookup)).join() !== hex(refConsistency(m, leaves)).join()) return false;
    }
    return true;
  }), { numRuns: 60 }));
});

t.test("property: an appender resumed from its stored frontier continues with the same roots", async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(fc.nat(200), fc.integer({ min: 1, max: 60 }), (k, more) => {
    const leaves = leavesOf(k + more, k);
    const a = CompactRange.empty();
    a.appendAll(leaves.slice(0, k));
    const b = CompactRange.fromFrontier(k, a.frontier().map((s) => s.hash));
    b.appendAll(leaves.slice(k));
    return b.size === k + more && b.root().equals(MerkleTree.fromLeafHashes(leaves).root());
  }), { numRuns: 100 }));
});

t.test("property: proof shapes for huge trees (beyond 2^32 leaves) agree between builder and verifier", async (t) => {
  const seed = leafHash(Buffer.from("seed"));
  t.doesNotThrow(() => fc.assert(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).chain((n) => fc.tuple(fc.nat(n - 1), fc.constant(n))), ([i, n]) => {
    const ids = subtreesForInclusion(i, n);
    const fake = (len: number) => Array.from({ length: len }, () => seed);
    const proofLen = inclusionProofFromSubtrees(i, n, () => seed).length;
    if (ids.length < proofLen) return false;
    if (code(() => rootFromInclusionProof(i, n, seed, fake(proofLen))) !== "ok") return false;
    if (code(() => rootFromInclusionProof(i, n, seed, fake(proofLen + 1))) !== "merkle_proof_size") return false;
    const m = Math.max(1, Math.floor(i / 3));
    return subtreesForConsistency(m, n).length >= consistencyProofFromSubtrees(m, n, () => seed).length;
  }), { numRuns: 300 }));
});

t.test("property: the subtrees listed for a proof are exactly the ones the builder looks up (what a store must fetch)", async (t) => {
  const tree = MerkleTree.fromLeafHashes(leavesOf(200, 3));
  const asked = (build: (lookup: (l: number, i: number) => Buffer | undefined) => unknown) => {
    const ids: string[] = [];
    build((l, i) => { ids.push(`${l}/${i}`); return tree.subtree(l, i); });
    return ids.join(" ");
  };
  const listed = (ids: { level: number; index: number }[]) => ids.map((s) => `${s.level}/${s.index}`).join(" ");
  t.doesNotThrow(() => fc.assert(fc.property(fc.integer({ min: 1, max: 200 }).chain((n) => fc.tuple(fc.nat(n - 1), fc.nat(n), fc.constant(n))), ([i, m, n]) => {
    const incl = asked((lookup) => inclusionProofFromSubtrees(i, n, lookup)).split(" ").sort().join(" ");
    const cons = asked((lookup) => consistencyProofFromSubtrees(m, n, lookup)).split(" ").sort().join(" ");
    return incl === listed(subtreesForInclusion(i, n)).split(" ").sort().join(" ")
      && cons === listed(subtreesForConsistency(m, n)).split(" ").sort().join(" ");
  }), { numRuns: 300 }));
});
