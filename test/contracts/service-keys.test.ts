// Service keys: registered by the registrar like a device key but marked KeyRole.Service (1) in deviceStatus's new
// last field, so verifiers can tell the service's access and erasure records from device records. v1 callers that
// read deviceStatus by name (or its first six fields by position) see what they saw before. Also ERC-165 ids.
import t from "tap";
import { readFileSync } from "node:fs";
import { Interface, Wallet, ZeroAddress, id } from "ethers";
import { deployLedgerAnchor, eventsOf, revertOf } from "./ledger-anchor-fixture.ts";

const SERVICE = 1n;
const DEVICE = 0n;
const metadata = id("otledger access log");

t.test("registerServiceKey: registrar only, same rules as a device, marked Service", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const key = Wallet.createRandom().address;
  const device = Wallet.createRandom().address;
  const role = await f.ledger.getFunction("REGISTRAR_ROLE")();
  for (const signer of [f.stranger, f.anchorer, f.admin]) {
    t.same(await revertOf(f.as(signer).getFunction("registerServiceKey")(key, metadata)),
      { name: "AccessControlUnauthorizedAccount", args: [signer.address, role] });
  }
  const registrar = f.as(f.registrar);
  t.same(await revertOf(registrar.getFunction("registerServiceKey")(ZeroAddress, metadata)), { name: "ZeroAddress", args: [] });

  const receipt = await (await registrar.getFunction("registerServiceKey")(key, metadata)).wait();
  t.same(eventsOf(receipt), [["DeviceRegistered", key, metadata], ["ServiceKeyRegistered", key]],
    "DeviceRegistered first, so registry followers that only know v1's events still pick the key up");
  const status = await f.ledger.getFunction("deviceStatus")(key);
  t.same([...status], [true, false, 0n, 0n, 0n, metadata, SERVICE]);
  t.same([status.registered, status.revoked, status.metadataHash, status.keyRole], [true, false, metadata, SERVICE], "by name too");

  await (await registrar.getFunction("registerDevice")(device, metadata)).wait();
  t.equal((await f.ledger.getFunction("deviceStatus")(device)).keyRole, DEVICE, "registerDevice still registers devices");
  t.same(await revertOf(registrar.getFunction("registerDevice")(key, metadata)), { name: "DeviceAlreadyRegistered", args: [key] },
    "a service key cannot be re-registered as a device");
  t.same(await revertOf(registrar.getFunction("registerServiceKey")(device, metadata)), { name: "DeviceAlreadyRegistered", args: [device] },
    "nor a device key promoted to the service role");
});

t.test("a service key is revoked like a device and keeps its role", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const key = Wallet.createRandom().address;
  const registrar = f.as(f.registrar);
  await (await registrar.getFunction("registerServiceKey")(key, metadata)).wait();
  await (await f.as(f.anchorer).getFunction("anchor")(3, id("root"), [])).wait();
  const receipt = await (await registrar.getFunction("revokeDevice")(key)).wait();
  t.same(eventsOf(receipt), [["DeviceRevoked", key, 1n]]);
  const status = await f.ledger.getFunction("deviceStatus")(key);
  t.same([status.registered, status.revoked, status.revokedAtCheckpoint, status.keyRole], [true, true, 1n, SERVICE]);
  t.same(await revertOf(registrar.getFunction("registerServiceKey")(key, metadata)), { name: "DeviceAlreadyRegistered", args: [key] },
    "a revoked service key cannot come back");
});

t.test("ERC-165: ILedgerAnchor (v2), IAccessControl and IAccessControlDefaultAdminRules", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const interfaceId = (signatures: string[]) =>
    "0x" + signatures.map((s) => Number.parseInt(id(s).slice(2, 10), 16)).reduce((a, b) => (a ^ b) >>> 0, 0).toString(16).padStart(8, "0");
  const built = JSON.parse(readFileSync("artifacts/contracts/ILedgerAnchor.sol/ILedgerAnchor.json", "utf8")) as { abi: [] };
  const anchorFunctions: string[] = [];
  new Interface(built.abi).forEachFunction((fn) => anchorFunctions.push(fn.format("sighash")));
  t.ok(anchorFunctions.includes("setSuccessor(address,uint64)") && anchorFunctions.includes("registerServiceKey(address,bytes32)"),
    "the id covers the v2 functions");
  const supports = f.ledger.getFunction("supportsInterface");
  t.equal(await supports(interfaceId(anchorFunctions)), true, "ILedgerAnchor");
  t.equal(await supports("0x7965db0b"), true, "IAccessControl");
  t.equal(await supports(interfaceId(["defaultAdmin()", "pendingDefaultAdmin()", "defaultAdminDelay()", "pendingDefaultAdminDelay()",
    "beginDefaultAdminTransfer(address)", "cancelDefaultAdminTransfer()", "acceptDefaultAdminTransfer()",
    "changeDefaultAdminDelay(uint48)", "rollbackDefaultAdminDelay()", "defaultAdminDelayIncreaseWait()"])), true,
  "IAccessControlDefaultAdminRules");
  t.equal(await supports("0xffffffff"), false, "ERC-165's invalid id");
});
