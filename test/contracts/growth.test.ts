// LedgerAnchor's growth bound per anchor: the default, the bound at and just above it (first checkpoint too),
// setMaxGrowth's role and zero rule, and the freeze attack of v1 (anchor 2^64 − 1) that the bound now stops.
import t from "tap";
import hre from "hardhat";
import { ZeroHash } from "ethers";
import { MerkleTree } from "../../core/merkle.ts";
import { deployLedgerAnchor, eventOf, hex, revertOf } from "./ledger-anchor-fixture.ts";
import { refLeaf, refReplayConsistency } from "./rfc9162-reference.ts";

const leaves = Array.from({ length: 40 }, (_, i) => refLeaf(Buffer.from(`reading ${i}`)));
const tree = MerkleTree.fromLeafHashes(leaves);
const root = (size: number) => hex(tree.root(size));
const proof = (m: number, n: number) => tree.consistencyProof(m, n).map(hex);
const U64_MAX = 2n ** 64n - 1n;

t.test("default bound is 2^32, set at deployment with an event", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  t.equal(await f.ledger.getFunction("maxGrowth")(), 2n ** 32n);
  t.equal(await f.ledger.getFunction("DEFAULT_MAX_GROWTH")(), 2n ** 32n);
  const logs = await f.ledger.queryFilter(f.ledger.filters.MaxGrowthChanged!(), 0);
  t.same(logs.map((l) => [...(l as unknown as { args: unknown[] }).args]), [[0n, 2n ** 32n]], "deployment announces the bound");
  const anchor = f.as(f.anchorer).getFunction("anchor");
  t.same(await revertOf(anchor(2n ** 32n + 1n, root(1), [])),
    { name: "TreeGrowthTooLarge", args: [0n, 2n ** 32n + 1n, 2n ** 32n] }, "first checkpoint one leaf above the default");
  await (await anchor(2n ** 32n, root(1), [])).wait();
  t.equal((await f.ledger.getFunction("latestCheckpoint")()).treeSize, 2n ** 32n, "first checkpoint exactly at the default");
});

t.test("a checkpoint may add exactly maxGrowth leaves, not one more; the first one counts from 0", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  await (await f.as(f.admin).getFunction("setMaxGrowth")(5)).wait();
  const anchor = f.as(f.anchorer).getFunction("anchor");
  t.same(await revertOf(anchor(6, root(6), [])), { name: "TreeGrowthTooLarge", args: [0n, 6n, 5n] }, "first, above");
  await (await anchor(5, root(5), [])).wait();
  // The bound is checked before the proof: a too-large step reports the bound even with a wrong proof.
  t.same(await revertOf(anchor(11, root(11), [])), { name: "TreeGrowthTooLarge", args: [5n, 11n, 5n] }, "later, above");
  await (await anchor(10, root(10), proof(5, 10))).wait();
  t.same([...await f.ledger.getFunction("latestCheckpoint")()].filter((_, i) => i === 0 || i === 3), [10n, root(10)], "later, at");
  t.same(await revertOf(anchor(10, root(10), [])), { name: "TreeNotGrowing", args: [10n, 10n] }, "no growth is still TreeNotGrowing");
});

t.test("setMaxGrowth: default admin only, not zero, announced", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  for (const signer of [f.stranger, f.anchorer, f.registrar]) {
    t.same(await revertOf(f.as(signer).getFunction("setMaxGrowth")(7)),
      { name: "AccessControlUnauthorizedAccount", args: [signer.address, ZeroHash] }, "needs DEFAULT_ADMIN_ROLE");
  }
  const set = f.as(f.admin).getFunction("setMaxGrowth");
  t.same(await revertOf(set(0)), { name: "InvalidMaxGrowth", args: [0n] });
  t.same(eventOf(await (await set(7)).wait(), "MaxGrowthChanged"), [2n ** 32n, 7n]);
  t.same(eventOf(await (await set(U64_MAX)).wait(), "MaxGrowthChanged"), [7n, U64_MAX]);
  t.equal(await f.ledger.getFunction("maxGrowth")(), U64_MAX);
  const anchor = f.as(f.anchorer).getFunction("anchor");
  await (await anchor(3, root(3), [])).wait();
  await (await set(4)).wait();
  t.same(await revertOf(anchor(8, root(8), proof(3, 8))), { name: "TreeGrowthTooLarge", args: [3n, 8n, 4n] }, "a lowered bound applies at once");
  t.equal((await f.ledger.getFunction("latestCheckpoint")()).treeSize, 3n, "and changing it leaves the checkpoints alone");
});

/** A consistency "proof" from 16 leaves to 2^64 − 1 made of invented nodes, and the root it leads to. */
function forgedExtension(): { proof: string[]; root: string } {
  for (let length = 1; length <= 64; length++) {
    const path = Array.from({ length }, (_, i) => refLeaf(Buffer.from(`invented ${i}`)));
    const roots = refReplayConsistency(16n, U64_MAX, tree.root(16), path);
    if (roots !== null && roots[0].equals(tree.root(16))) return { proof: path.map(hex), root: hex(roots[1]) };
  }
  throw new Error("no proof length fits 16 → 2^64 − 1");
}

t.test("freeze attack: a stolen anchorer key can no longer anchor 2^64 − 1; honest anchoring goes on", async (t) => {
  const connection = await hre.network.connect();
  t.teardown(() => connection.close());
  const forged = forgedExtension();

  // Without a bound (v1, here maxGrowth = 2^64 − 1) the forged extension passes the consistency check and
  // freezes the contract: no honest size can follow it.
  const v1 = await deployLedgerAnchor(connection);
  await (await v1.as(v1.admin).getFunction("setMaxGrowth")(U64_MAX)).wait();
  const v1Anchor = v1.as(v1.anchorer).getFunction("anchor");
  await (await v1Anchor(16, root(16), [])).wait();
  await (await v1Anchor(U64_MAX, forged.root, forged.proof)).wait();
  t.same(await revertOf(v1Anchor(40, root(40), proof(16, 40))), { name: "TreeNotGrowing", args: [U64_MAX, 40n] },
    "the attack works when growth is unbounded");

  const f = await deployLedgerAnchor(connection);
  const anchor = f.as(f.anchorer).getFunction("anchor");
  t.same(await revertOf(anchor(U64_MAX, forged.root, [])), { name: "TreeGrowthTooLarge", args: [0n, U64_MAX, 2n ** 32n] },
    "as the first checkpoint");
  await (await anchor(16, root(16), [])).wait();
  t.same(await revertOf(anchor(U64_MAX, forged.root, forged.proof)), { name: "TreeGrowthTooLarge", args: [16n, U64_MAX, 2n ** 32n] },
    "as a later checkpoint, with the proof that works without the bound");
  const receipt = await (await anchor(40, root(40), proof(16, 40))).wait();
  t.same(eventOf(receipt, "CheckpointAnchored"), [1n, 40n, root(40)], "the next honest checkpoint is accepted");
  t.equal(await f.ledger.getFunction("checkpointCount")(), 2n);
});
