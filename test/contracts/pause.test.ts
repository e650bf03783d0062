// LedgerAnchor's pause: default admin only, stops anchoring and registration (EnforcedPause) but not revocation,
// views or the growth bound's setter, and unpausing restores all of it.
import t from "tap";
import { Wallet, ZeroHash, id } from "ethers";
import { MerkleTree } from "../../core/merkle.ts";
import { deployLedgerAnchor, eventOf, hex, revertOf } from "./ledger-anchor-fixture.ts";
import { refLeaf } from "./rfc9162-reference.ts";

const leaves = Array.from({ length: 12 }, (_, i) => refLeaf(Buffer.from(`sample ${i}`)));
const tree = MerkleTree.fromLeafHashes(leaves);
const root = (size: number) => hex(tree.root(size));
const metadata = id("site=plant-2");

t.test("pause and unpause need the default admin and toggle once", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  for (const signer of [f.stranger, f.anchorer, f.registrar]) {
    for (const name of ["pause", "unpause"]) {
      t.same(await revertOf(f.as(signer).getFunction(name)()),
        { name: "AccessControlUnauthorizedAccount", args: [signer.address, ZeroHash] }, `${name} needs DEFAULT_ADMIN_ROLE`);
    }
  }
  const admin = f.as(f.admin);
  t.same(await revertOf(admin.getFunction("unpause")()), { name: "ExpectedPause", args: [] }, "not paused yet");
  t.equal(await f.ledger.getFunction("paused")(), false);
  t.same(eventOf(await (await admin.getFunction("pause")()).wait(), "Paused"), [f.admin.address]);
  t.equal(await f.ledger.getFunction("paused")(), true);
  t.same(await revertOf(admin.getFunction("pause")()), { name: "EnforcedPause", args: [] }, "already paused");
  t.same(eventOf(await (await admin.getFunction("unpause")()).wait(), "Unpaused"), [f.admin.address]);
  t.equal(await f.ledger.getFunction("paused")(), false);
});

t.test("while paused: no anchor, no registration; revocation, the bound and views still work", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const anchor = f.as(f.anchorer).getFunction("anchor");
  const registrar = f.as(f.registrar);
  const known = Wallet.createRandom().address;
  const fresh = Wallet.createRandom().address;
  await (await anchor(4, root(4), [])).wait();
  await (await registrar.getFunction("registerDevice")(known, metadata)).wait();
  await (await f.as(f.admin).getFunction("pause")()).wait();

  const paused = { name: "EnforcedPause", args: [] };
  t.same(await revertOf(anchor(9, root(9), tree.consistencyProof(4, 9).map(hex))), paused, "anchor");
  t.same(await revertOf(registrar.getFunction("registerDevice")(fresh, metadata)), paused, "registerDevice");
  t.same(await revertOf(registrar.getFunction("registerServiceKey")(fresh, metadata)), paused, "registerServiceKey");
  t.same(await revertOf(f.as(f.stranger).getFunction("anchor")(9, root(9), [])),
    { name: "AccessControlUnauthorizedAccount", args: [f.stranger.address, await f.ledger.getFunction("ANCHORER_ROLE")()] },
    "the role is checked first: a stranger learns nothing about the pause");
  t.same(eventOf(await (await registrar.getFunction("revokeDevice")(known)).wait(), "DeviceRevoked"), [known, 1n],
    "a stolen key can still be revoked during an incident");
  await (await f.as(f.admin).getFunction("setMaxGrowth")(3)).wait();
  t.equal(await f.ledger.getFunction("maxGrowth")(), 3n, "the bound can be changed while paused");
  t.equal((await f.ledger.getFunction("latestCheckpoint")()).treeSize, 4n, "views answer");
  t.equal(await f.ledger.getFunction("verifyInclusion")(0, 1, hex(leaves[1]!), tree.inclusionProof(1, 4).map(hex)), true);

  await (await f.as(f.admin).getFunction("unpause")()).wait();
  t.same(await revertOf(anchor(9, root(9), tree.consistencyProof(4, 9).map(hex))), { name: "TreeGrowthTooLarge", args: [4n, 9n, 3n] },
    "after unpausing the bound set meanwhile applies");
  t.same(eventOf(await (await anchor(7, root(7), tree.consistencyProof(4, 7).map(hex))).wait(), "CheckpointAnchored"), [1n, 7n, root(7)],
    "anchoring resumes");
  await (await registrar.getFunction("registerDevice")(fresh, metadata)).wait();
  t.equal((await f.ledger.getFunction("deviceStatus")(fresh)).registered, true, "registration resumes");
});
