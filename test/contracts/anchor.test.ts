// LedgerAnchor.anchor: roles, first-checkpoint rules, growth, exact reverts, stored history and events.
import t from "tap";
import { MerkleTree } from "../../core/merkle.ts";
import { deployLedgerAnchor, eventOf, hex, revertOf } from "./ledger-anchor-fixture.ts";
import { refLeaf } from "./rfc9162-reference.ts";

const leaves = Array.from({ length: 64 }, (_, i) => refLeaf(Buffer.from(`record ${i}`)));
const tree = MerkleTree.fromLeafHashes(leaves);
const root = (size: number) => hex(tree.root(size));
const proof = (m: number, n: number) => tree.consistencyProof(m, n).map(hex);

t.test("anchoring needs ANCHORER_ROLE", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const role = await f.ledger.getFunction("ANCHORER_ROLE")();
  for (const signer of [f.stranger, f.registrar, f.admin]) {
    t.same(await revertOf(f.as(signer).getFunction("anchor")(5, root(5), [])), {
      name: "AccessControlUnauthorizedAccount",
      args: [signer.address, role],
    }, "caller without the role is named with the role it lacks");
  }
  await (await f.as(f.admin).getFunction("grantRole")(role, f.stranger.address)).wait();
  await (await f.as(f.stranger).getFunction("anchor")(5, root(5), [])).wait();
  t.equal(await f.ledger.getFunction("checkpointCount")(), 1n, "granted account can anchor");
});

t.test("first checkpoint: non-empty tree, empty proof", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const anchor = f.as(f.anchorer).getFunction("anchor");
  t.same(await revertOf(f.ledger.getFunction("latestCheckpoint")()), { name: "CheckpointIndexOutOfRange", args: [0n, 0n] });
  t.same(await revertOf(anchor(0, hex(Buffer.alloc(32)), [])), { name: "TreeNotGrowing", args: [0n, 0n] });
  const stray = proof(3, 8);
  t.same(await revertOf(anchor(8, root(8), stray)), { name: "ProofForFirstCheckpoint", args: [BigInt(stray.length)] });
  const tx = await anchor(8, root(8), []);
  const receipt = await tx.wait();
  const block = await f.provider.getBlock(receipt.blockNumber);
  t.same(eventOf(receipt, "CheckpointAnchored"), [0n, 8n, root(8)], "event carries index, size and root");
  const expected = [8n, BigInt(block!.timestamp), BigInt(receipt.blockNumber), root(8)];
  t.same([...await f.ledger.getFunction("checkpointAt")(0)], expected, "checkpoint stores size, block time and number, root");
  t.same([...await f.ledger.getFunction("latestCheckpoint")()], expected);
  t.same(await revertOf(f.ledger.getFunction("checkpointAt")(1)), { name: "CheckpointIndexOutOfRange", args: [1n, 1n] });
});

t.test("later checkpoints must grow the tree and prove consistency", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const anchor = f.as(f.anchorer).getFunction("anchor");
  await (await anchor(13, root(13), [])).wait();
  t.same(await revertOf(anchor(13, root(13), [])), { name: "TreeNotGrowing", args: [13n, 13n] }, "equal size");
  t.same(await revertOf(anchor(12, root(12), [])), { name: "TreeNotGrowing", args: [13n, 12n] }, "shrinking");
  t.same(await revertOf(anchor(20, root(20), [])), { name: "MalformedConsistencyProof", args: [13n, 20n, 0n] }, "no proof");
  const good = proof(13, 20);
  t.same(await revertOf(anchor(20, root(20), good.slice(1))),
    { name: "MalformedConsistencyProof", args: [13n, 20n, BigInt(good.length - 1)] }, "proof too short");
  t.same(await revertOf(anchor(20, root(20), [...good, root(1)])),
    { name: "MalformedConsistencyProof", args: [13n, 20n, BigInt(good.length + 1)] }, "proof too long");
  t.same(await revertOf(anchor(20, root(21), good)),
    { name: "InvalidConsistencyProof", args: [root(13), root(13), root(21), root(20)] },
    "a valid proof for another new root: old root matches, new root is the one the proof leads to");
  t.same(await revertOf(anchor(20, root(20), proof(12, 20))).then((r) => r.name), "MalformedConsistencyProof",
    "a proof from another old size does not fit");
  const tx = await anchor(20, root(20), good);
  t.same(eventOf(await tx.wait(), "CheckpointAnchored"), [1n, 20n, root(20)]);
  t.equal((await f.ledger.getFunction("checkpointAt")(0)).root, root(13), "history keeps the earlier checkpoint");
  t.equal((await f.ledger.getFunction("latestCheckpoint")()).treeSize, 20n);
});

t.test("consistency from a forked history is rejected", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const anchor = f.as(f.anchorer).getFunction("anchor");
  await (await anchor(6, root(6), [])).wait();
  // Same sizes, one rewritten leaf: the proof is well formed but leads to a different old root.
  const forked = MerkleTree.fromLeafHashes(leaves.map((l, i) => (i === 2 ? refLeaf(Buffer.from("rewritten")) : l)));
  const forkedProof = forked.consistencyProof(6, 10).map(hex);
  const result = await revertOf(anchor(10, hex(forked.root(10)), forkedProof));
  t.equal(result.name, "InvalidConsistencyProof");
  t.same(result.args.slice(0, 2), [root(6), hex(forked.root(6))], "evidence: anchored old root vs the one the proof rebuilds");
  t.same(result.args.slice(2), [hex(forked.root(10)), hex(forked.root(10))]);
  t.equal(await f.ledger.getFunction("checkpointCount")(), 1n, "nothing stored");
});
