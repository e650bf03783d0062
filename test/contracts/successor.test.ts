// LedgerAnchor's retirement: setSuccessor only by the default admin, only while paused, only once, only to another
// contract and an existing checkpoint; afterwards the contract stays paused. Then the documented recovery from a
// forged checkpoint end to end, as a verifier would follow it.
import t from "tap";
import hre from "hardhat";
import { Wallet, ZeroAddress, ZeroHash } from "ethers";
import { MerkleTree } from "../../core/merkle.ts";
import { deployLedgerAnchor, eventOf, hex, revertOf } from "./ledger-anchor-fixture.ts";
import { refLeaf } from "./rfc9162-reference.ts";

const leaves = Array.from({ length: 30 }, (_, i) => refLeaf(Buffer.from(`value ${i}`)));
const tree = MerkleTree.fromLeafHashes(leaves);
const root = (size: number) => hex(tree.root(size));
const proof = (m: number, n: number) => tree.consistencyProof(m, n).map(hex);

t.test("setSuccessor: admin, paused, once, another contract, an existing checkpoint", async (t) => {
  const connection = await hre.network.connect();
  t.teardown(() => connection.close());
  const f = await deployLedgerAnchor(connection);
  const next = await deployLedgerAnchor(connection);
  const nextAddress = await next.ledger.getAddress();
  const self = await f.ledger.getAddress();
  const admin = f.as(f.admin);
  const set = admin.getFunction("setSuccessor");
  const anchor = f.as(f.anchorer).getFunction("anchor");
  await (await anchor(5, root(5), [])).wait();
  await (await anchor(9, root(9), proof(5, 9))).wait();
  t.same([...await f.ledger.getFunction("successor")()], [ZeroAddress, 0n], "none at first");

  t.same(await revertOf(set(nextAddress, 1)), { name: "ExpectedPause", args: [] }, "only while paused");
  await (await admin.getFunction("pause")()).wait();
  for (const signer of [f.stranger, f.anchorer, f.registrar]) {
    t.same(await revertOf(f.as(signer).getFunction("setSuccessor")(nextAddress, 1)),
      { name: "AccessControlUnauthorizedAccount", args: [signer.address, ZeroHash] }, "needs DEFAULT_ADMIN_ROLE");
  }
  const account = Wallet.createRandom().address;
  for (const [address, what] of [[ZeroAddress, "zero"], [self, "itself"], [account, "an address without code"]] as const) {
    t.same(await revertOf(set(address, 1)), { name: "InvalidSuccessor", args: [address] }, `not ${what}`);
  }
  t.same(await revertOf(set(nextAddress, 2)), { name: "CheckpointIndexOutOfRange", args: [2n, 2n] }, "the last valid checkpoint must exist");

  t.same(eventOf(await (await set(nextAddress, 0)).wait(), "SuccessorSet"), [nextAddress, 0n]);
  t.same([...await f.ledger.getFunction("successor")()], [nextAddress, 0n], "the view names it");
  const retired = { name: "SuccessorAlreadySet", args: [nextAddress, 0n] };
  t.same(await revertOf(set(nextAddress, 1)), retired, "only once, not even to correct the checkpoint");
  t.same(await revertOf(admin.getFunction("unpause")()), retired, "a retired contract cannot be unpaused");
  t.same(await revertOf(anchor(12, root(12), proof(9, 12))), { name: "EnforcedPause", args: [] }, "nor anchored to");
  t.equal(await f.ledger.getFunction("checkpointCount")(), 2n, "its checkpoints stay readable");
});

t.test("recovery from a forged checkpoint: pause, successor re-anchors the last valid one, verifiers follow", async (t) => {
  const connection = await hre.network.connect();
  t.teardown(() => connection.close());
  const old = await deployLedgerAnchor(connection);
  const anchor = old.as(old.anchorer).getFunction("anchor");
  await (await anchor(8, root(8), [])).wait();
  await (await anchor(13, root(13), proof(8, 13))).wait();
  // A stolen anchorer key extends checkpoint 1 with invented leaves: consistent, within the bound, and fatal
  // for the honest log, which cannot extend a tree it does not contain.
  const forgedTree = MerkleTree.fromLeafHashes([...leaves.slice(0, 13), ...leaves.slice(13, 20).map((l) => refLeaf(l))]);
  await (await anchor(20, hex(forgedTree.root(20)), forgedTree.consistencyProof(13, 20).map(hex))).wait();
  t.equal((await revertOf(anchor(30, root(30), proof(20, 30)))).name, "InvalidConsistencyProof", "honest anchoring is stuck");

  await (await old.as(old.admin).getFunction("pause")()).wait();
  const next = await deployLedgerAnchor(connection);
  const valid = await old.ledger.getFunction("checkpointAt")(1);
  await (await next.as(next.anchorer).getFunction("anchor")(valid.treeSize, valid.root, [])).wait();
  await (await old.as(old.admin).getFunction("setSuccessor")(await next.ledger.getAddress(), 1)).wait();
  await (await next.as(next.anchorer).getFunction("anchor")(30, root(30), proof(13, 30))).wait();

  // What a verifier does with a record at leaf 25: the old contract is retired after checkpoint 1, so it asks the
  // successor, whose checkpoint 0 must be the old one's last valid checkpoint.
  const [successor, lastValid] = await old.ledger.getFunction("successor")();
  t.equal(successor, await next.ledger.getAddress());
  t.equal(lastValid, 1n);
  t.same(await revertOf(old.ledger.getFunction("firstCheckpointCovering")(25)), { name: "LeafNotAnchored", args: [25n, 20n] },
    "the old contract never covered leaf 25 (its forged tree has 20 leaves)");
  const [forgedIndex] = await old.ledger.getFunction("firstCheckpointCovering")(15);
  t.equal(forgedIndex, 2n, "leaf 15 is covered there only by the forged checkpoint 2, above the last valid one");
  const first = await next.ledger.getFunction("checkpointAt")(0);
  t.same([first.treeSize, first.root], [valid.treeSize, valid.root], "the successor starts at the last valid checkpoint");
  const [index, covering] = await next.ledger.getFunction("firstCheckpointCovering")(25);
  t.same([index, covering.treeSize], [1n, 30n]);
  t.equal(await next.ledger.getFunction("verifyInclusion")(index, 25, hex(leaves[25]!), tree.inclusionProof(25, 30).map(hex)), true,
    "the honest record verifies against the successor");
});
