// The registrar's transactions on a real chain: LedgerAnchor's registry refusals come back typed (so enrollment
// can tell "someone else got there first" from a chain failure), with the revert's arguments as evidence.
import t from "tap";
import { Wallet, ZeroHash } from "ethers";
import { startTestChain } from "../helpers/chain.ts";
import { connectChain } from "../../server/chain/connection.ts";
import { Registrar, RegistryRevert } from "../../server/api/registrar.ts";
import { DEV_KEYS } from "../../server/runtime/local-chain.ts";

t.test("registry reverts are RegistryRevert with a literal code", async (t) => {
  const chain = await startTestChain();
  t.teardown(() => chain.close());
  const connection = await connectChain({ rpcUrl: chain.rpcUrl, contract: chain.contract, deployBlock: chain.deployBlock, chainId: chain.chainId, anchorer: new Wallet(chain.anchorerKey), pollingIntervalMs: 50 });
  t.teardown(() => connection.close());
  const registrar = new Registrar(connection, new Wallet(DEV_KEYS.registrar));
  const device = Wallet.createRandom().address;

  await chain.registerDevice(device); // the registrar key used directly, outside the service
  const again = await registrar.register(device, ZeroHash).catch((err: unknown) => err);
  t.ok(again instanceof RegistryRevert, "a registration someone else made first");
  t.match(again, { code: "device_already_registered", args: [device] });

  const unknown = Wallet.createRandom().address;
  t.match(await registrar.revoke(unknown).catch((err: unknown) => err), { code: "device_not_registered", args: [unknown] });
  await registrar.revoke(device);
  t.match(await registrar.revoke(device).catch((err: unknown) => err), { code: "device_already_revoked", args: [device, "0"] });
  t.match(await registrar.register(device, ZeroHash).catch((err: unknown) => err), { code: "device_already_registered" }, "a revoked key cannot come back");
});
