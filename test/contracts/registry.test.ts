// Device registry: roles, exact reverts, revocation bookkeeping and the revokedAtCheckpoint rule.
import t from "tap";
import { ContractFactory, Wallet, ZeroAddress, id } from "ethers";
import { MerkleTree } from "../../core/merkle.ts";
import { ledgerAnchorAbi, ledgerAnchorBytecode } from "../../core/ledger-anchor-artifact.ts";
import { deployLedgerAnchor, eventOf, hex, revertOf } from "./ledger-anchor-fixture.ts";
import { refLeaf } from "./rfc9162-reference.ts";

const device = Wallet.createRandom().address;
const metadata = id("site=plant-1;asset=pump-7;uri=urn:plant-1:opcua");

t.test("deployment grants the three roles and rejects the zero address", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const role = (name: string) => f.ledger.getFunction(name)();
  const has = f.ledger.getFunction("hasRole");
  t.equal(await has(await role("DEFAULT_ADMIN_ROLE"), f.admin.address), true);
  t.equal(await has(await role("ANCHORER_ROLE"), f.anchorer.address), true);
  t.equal(await has(await role("REGISTRAR_ROLE"), f.registrar.address), true);
  t.equal(await has(await role("ANCHORER_ROLE"), f.registrar.address), false);
  t.equal(await role("REGISTRAR_ROLE"), id("REGISTRAR_ROLE"));
  t.equal(await f.ledger.getFunction("supportsInterface")("0x7965db0b"), true, "IAccessControl");
  const factory = new ContractFactory(ledgerAnchorAbi, ledgerAnchorBytecode, f.admin);
  for (const args of [[ZeroAddress, f.anchorer.address, f.registrar.address], [f.admin.address, ZeroAddress, f.registrar.address],
    [f.admin.address, f.anchorer.address, ZeroAddress]]) {
    t.same(await revertOf(factory.deploy(...args)), { name: "ZeroAddress", args: [] }, "v1's error for each of the three, the admin too");
  }
});

t.test("registration", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const role = await f.ledger.getFunction("REGISTRAR_ROLE")();
  for (const signer of [f.stranger, f.anchorer, f.admin]) {
    t.same(await revertOf(f.as(signer).getFunction("registerDevice")(device, metadata)),
      { name: "AccessControlUnauthorizedAccount", args: [signer.address, role] });
    t.same(await revertOf(f.as(signer).getFunction("revokeDevice")(device)),
      { name: "AccessControlUnauthorizedAccount", args: [signer.address, role] });
  }
  const register = f.as(f.registrar).getFunction("registerDevice");
  t.same(await revertOf(register(ZeroAddress, metadata)), { name: "ZeroAddress", args: [] });
  t.same([...await f.ledger.getFunction("deviceStatus")(device)], [false, false, 0n, 0n, 0n, hex(Buffer.alloc(32)), 0n], "unknown");
  const receipt = await (await register(device, metadata)).wait();
  t.same(eventOf(receipt, "DeviceRegistered"), [device, metadata]);
  t.same([...await f.ledger.getFunction("deviceStatus")(device)], [true, false, 0n, 0n, 0n, metadata, 0n], "keyRole Device (0) last");
  t.same(await revertOf(register(device, id("other"))), { name: "DeviceAlreadyRegistered", args: [device] });
});

t.test("revocation records the checkpoint count, block and time; records first anchored later are out", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const leaves = Array.from({ length: 12 }, (_, i) => refLeaf(Buffer.from(`r${i}`)));
  const tree = MerkleTree.fromLeafHashes(leaves);
  const anchor = f.as(f.anchorer).getFunction("anchor");
  const revoke = f.as(f.registrar).getFunction("revokeDevice");
  t.same(await revertOf(revoke(device)), { name: "DeviceNotRegistered", args: [device] });
  await (await f.as(f.registrar).getFunction("registerDevice")(device, metadata)).wait();
  await (await anchor(4, hex(tree.root(4)), [])).wait();
  await (await anchor(7, hex(tree.root(7)), tree.consistencyProof(4, 7).map(hex))).wait();

  const receipt = await (await revoke(device)).wait();
  const block = await f.provider.getBlock(receipt.blockNumber);
  t.same(eventOf(receipt, "DeviceRevoked"), [device, 2n]);
  t.same([...await f.ledger.getFunction("deviceStatus")(device)],
    [true, true, 2n, BigInt(receipt.blockNumber), BigInt(block!.timestamp), metadata, 0n], "revokedAtCheckpoint = checkpointCount()");
  t.same(await revertOf(revoke(device)), { name: "DeviceAlreadyRevoked", args: [device, 2n] });
  t.same(await revertOf(f.as(f.registrar).getFunction("registerDevice")(device, metadata)),
    { name: "DeviceAlreadyRegistered", args: [device] }, "a revoked key cannot come back");

  await (await anchor(12, hex(tree.root(12)), tree.consistencyProof(7, 12).map(hex))).wait();
  const status = await f.ledger.getFunction("deviceStatus")(device);
  const valid = async (leaf: number) => {
    const [index] = await f.ledger.getFunction("firstCheckpointCovering")(leaf);
    return status.registered && (!status.revoked || index < status.revokedAtCheckpoint);
  };
  t.same(await Promise.all([0, 3, 4, 6, 7, 11].map(valid)), [true, true, true, true, false, false],
    "leaves 0–6 were anchored by checkpoints 0 and 1 before the revocation; 7–11 only by checkpoint 2 after it");
});
