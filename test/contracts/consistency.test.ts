// On-chain RFC 9162 consistency verification over many random (old, new) size pairs, against core's proofs
// and the independent reference: valid proofs pass, tampered or mis-sized ones revert with exact evidence.
import t from "tap";
import fc from "fast-check";
import hre from "hardhat";
import { MerkleTree } from "../../core/merkle.ts";
import { deployLedgerAnchor, hex, revertOf } from "./ledger-anchor-fixture.ts";
import { refConsistency, refLeaf, refReplayConsistency } from "./rfc9162-reference.ts";

const SIZE = 300;
const leaves = Array.from({ length: SIZE }, (_, i) => refLeaf(Buffer.from(`leaf ${i}`)));
const tree = MerkleTree.fromLeafHashes(leaves);
const root = (size: number) => hex(tree.root(size));

t.test("random size pairs: valid proofs accepted, tampered and truncated ones rejected exactly", async (t) => {
  const connection = await hre.network.connect();
  t.teardown(() => connection.close());
  const pair = fc.tuple(fc.integer({ min: 1, max: SIZE - 1 }), fc.integer({ min: 1, max: SIZE - 1 }), fc.nat(), fc.nat())
    .map(([a, b, element, bit]) => ({ m: Math.min(a, b), n: Math.max(a, b) + 1, element, bit }));
  let runs = 0;
  await fc.assert(fc.asyncProperty(pair, async ({ m, n, element, bit }) => {
    const proof = tree.consistencyProof(m, n);
    t.same(proof.map(hex), refConsistency(m, leaves.slice(0, n)).map(hex), `core proof ${m}→${n} matches RFC 9162 SUBPROOF`);
    const f = await deployLedgerAnchor(connection);
    const anchor = f.as(f.anchorer).getFunction("anchor");
    await (await anchor(m, root(m), [])).wait();
    await anchor.staticCall(n, root(n), proof.map(hex)); // throws if rejected

    const tampered = proof.map((h) => Buffer.from(h));
    const target = tampered[element % tampered.length]!;
    target[(bit >> 3) % 32]! ^= 1 << (bit & 7);
    const [fr, sr] = refReplayConsistency(BigInt(m), BigInt(n), tree.root(m), tampered)!;
    t.same(await revertOf(anchor.staticCall(n, root(n), tampered.map(hex))),
      { name: "InvalidConsistencyProof", args: [root(m), hex(fr), root(n), hex(sr)] }, `flipped bit ${m}→${n}`);
    t.same(await revertOf(anchor.staticCall(n, root(n), proof.slice(0, -1).map(hex))),
      { name: "MalformedConsistencyProof", args: [BigInt(m), BigInt(n), BigInt(proof.length - 1)] }, `truncated ${m}→${n}`);
    runs++;
  }), { numRuns: 80 });
  t.equal(runs, 80);
});

t.test("a chain of checkpoints with random growth is accepted and kept in order", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const anchor = f.as(f.anchorer).getFunction("anchor");
  const sizes = fc.sample(fc.integer({ min: 1, max: 17 }), { numRuns: 40, seed: 9162 }).reduce<number[]>(
    (acc, step) => [...acc, (acc.at(-1) ?? 0) + step], []).filter((s) => s <= SIZE);
  // Powers of two exercise the RFC's "old tree is a complete subtree" branch.
  const chain = [...new Set([...sizes, 64, 128, 256])].sort((a, b) => a - b);
  let previous = 0;
  for (const size of chain) {
    await (await anchor(size, root(size), previous === 0 ? [] : tree.consistencyProof(previous, size).map(hex))).wait();
    previous = size;
  }
  t.equal(await f.ledger.getFunction("checkpointCount")(), BigInt(chain.length));
  for (const [i, size] of chain.entries()) {
    const c = await f.ledger.getFunction("checkpointAt")(i);
    t.same([c.treeSize, c.root], [BigInt(size), root(size)], `checkpoint ${i} is tree ${size}`);
  }
});
