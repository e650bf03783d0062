// verifyInclusion against anchored checkpoints, and firstCheckpointCovering's binary search.
import t from "tap";
import { MerkleTree } from "../../core/merkle.ts";
import { deployLedgerAnchor, hex, revertOf } from "./ledger-anchor-fixture.ts";
import { refLeaf, refPath } from "./rfc9162-reference.ts";

const leaves = Array.from({ length: 100 }, (_, i) => refLeaf(Buffer.from(`entry ${i}`)));
const tree = MerkleTree.fromLeafHashes(leaves);
const SIZES = [1, 2, 3, 8, 13, 40, 64, 65, 100];

t.test("inclusion proofs verify on-chain against every anchored checkpoint", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const anchor = f.as(f.anchorer).getFunction("anchor");
  let previous = 0;
  for (const size of SIZES) {
    await (await anchor(size, hex(tree.root(size)), previous ? tree.consistencyProof(previous, size).map(hex) : [])).wait();
    previous = size;
  }
  const verify = f.ledger.getFunction("verifyInclusion");
  for (const [checkpoint, size] of SIZES.entries()) {
    let all = true;
    for (let index = 0; index < size; index++) {
      const proof = tree.inclusionProof(index, size);
      if (proof.map(hex).join() !== refPath(index, leaves.slice(0, size)).map(hex).join()) all = false;
      if (!(await verify(checkpoint, index, hex(leaves[index]!), proof.map(hex)))) all = false;
    }
    t.ok(all, `all ${size} leaves of checkpoint ${checkpoint} verify (core proofs equal RFC 9162 PATH)`);
  }
  const [checkpoint, size, index] = [5, 40, 13];
  const proof = tree.inclusionProof(index, size).map(hex);
  t.equal(await verify(checkpoint, index, hex(leaves[index]!), proof), true);
  t.equal(await verify(checkpoint, index, hex(leaves[index + 1]!), proof), false, "another leaf");
  t.equal(await verify(checkpoint, index + 1, hex(leaves[index]!), proof), false, "another index");
  t.equal(await verify(checkpoint, size, hex(leaves[index]!), proof), false, "index beyond the tree");
  t.equal(await verify(checkpoint + 1, index, hex(leaves[index]!), proof), false, "another checkpoint");
  t.equal(await verify(checkpoint, index, hex(leaves[index]!), proof.slice(1)), false, "proof too short");
  t.equal(await verify(checkpoint, index, hex(leaves[index]!), [...proof, proof[0]!]), false, "proof too long");
  const flipped = [...proof];
  flipped[2] = hex(Buffer.from(flipped[2]!.slice(2), "hex").map((b, i) => (i === 7 ? b ^ 0x10 : b)));
  t.equal(await verify(checkpoint, index, hex(leaves[index]!), flipped), false, "flipped bit");
  t.same(await revertOf(verify(SIZES.length, 0, hex(leaves[0]!), [])),
    { name: "CheckpointIndexOutOfRange", args: [BigInt(SIZES.length), BigInt(SIZES.length)] });
});

t.test("firstCheckpointCovering finds the checkpoint that first anchored a leaf", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const covering = f.ledger.getFunction("firstCheckpointCovering");
  t.same(await revertOf(covering(0)), { name: "LeafNotAnchored", args: [0n, 0n] }, "nothing anchored yet");
  const anchor = f.as(f.anchorer).getFunction("anchor");
  // Irregular gaps so that the binary search meets boundaries on both sides at many depths.
  const sizes = [1, 2, 5, 6, 7, 19, 20, 33, 34, 60, 61, 62, 90, 100];
  let previous = 0;
  for (const size of sizes) {
    await (await anchor(size, hex(tree.root(size)), previous ? tree.consistencyProof(previous, size).map(hex) : [])).wait();
    previous = size;
  }
  const mismatches: string[] = [];
  for (let leaf = 0; leaf < 100; leaf++) {
    const expected = sizes.findIndex((s) => s > leaf);
    const [index, checkpoint] = await covering(leaf);
    if (index !== BigInt(expected) || checkpoint.treeSize !== BigInt(sizes[expected]!) || checkpoint.root !== hex(tree.root(sizes[expected]!))) {
      mismatches.push(`leaf ${leaf}: got ${index}, expected ${expected}`);
    }
  }
  t.same(mismatches, [], "every leaf 0..99 maps to the smallest checkpoint with treeSize > leaf");
  t.same(await revertOf(covering(100)), { name: "LeafNotAnchored", args: [100n, 100n] });
  t.same(await revertOf(covering(2n ** 64n - 1n)), { name: "LeafNotAnchored", args: [2n ** 64n - 1n, 100n] });
});
