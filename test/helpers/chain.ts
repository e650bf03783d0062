/**
 * Test chain: a real anvil node (127.0.0.1, random port, state file in a temp dir) with LedgerAnchor deployed
 * and the dev roles (admin #0, anchorer #1, registrar #2). Can be stopped and restarted on the same state
 * (SIGTERM makes anvil dump it), and snapshot/revert simulates a reorg that drops anchors.
 *
 *   const chain = await startTestChain();
 *   await chain.registerDevice(wallet.address);  // as registrar
 *   await chain.stop(); await chain.restart();    // chain down, then up again (same port, same state)
 *   await chain.close();                          // at the end (t.teardown)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, JsonRpcProvider, NonceManager, Wallet, ZeroHash } from "ethers";
import { ledgerAnchorAbi } from "../../core/ledger-anchor-artifact.ts";
import { DEV_KEYS, ensureDeployment, startAnvil, type Deployment } from "../../server/runtime/local-chain.ts";
import { freePort } from "../../server/runtime/free-port.ts";

export type TestChain = Deployment & {
  rpcUrl: string;
  dataDir: string;
  provider: JsonRpcProvider;
  /** LedgerAnchor connected as the registrar (register/revoke) — views work too. */
  ledger: Contract;
  anchorerKey: string;
  registerDevice(address: string, metadataHash?: string): Promise<void>;
  revokeDevice(address: string): Promise<void>;
  checkpointCount(): Promise<number>;
  /** Stops anvil (state saved); the RPC URL stops answering. */
  stop(): Promise<void>;
  /** Starts anvil again on the same port from the saved state. */
  restart(): Promise<void>;
  snapshot(): Promise<string>;
  revert(id: string): Promise<void>;
  close(): Promise<void>;
};

export async function startTestChain(): Promise<TestChain> {
  const dataDir = await mkdtemp(join(tmpdir(), "otledger-chain-"));
  const port = await freePort();
  let anvil = await startAnvil(dataDir, port);
  const rpcUrl = anvil.rpcUrl;
  const deployment = await ensureDeployment(rpcUrl, join(dataDir, "deployment.json"));
  const provider = new JsonRpcProvider(rpcUrl, deployment.chainId, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
  const registrar = new NonceManager(new Wallet(DEV_KEYS.registrar, provider));
  const ledger = new Contract(deployment.contract, ledgerAnchorAbi, registrar);
  const send = async (name: string, ...args: unknown[]) => {
    const tx = await ledger.getFunction(name)(...args);
    await tx.wait();
  };
  return {
    ...deployment, rpcUrl, dataDir, provider, ledger, anchorerKey: DEV_KEYS.anchorer,
    registerDevice: (address, metadataHash = ZeroHash) => send("registerDevice", address, metadataHash),
    revokeDevice: (address) => send("revokeDevice", address),
    checkpointCount: async () => Number(await ledger.getFunction("checkpointCount")()),
    stop: () => anvil.stop(),
    restart: async () => { anvil = await startAnvil(dataDir, port); },
    snapshot: async () => String(await provider.send("evm_snapshot", [])),
    revert: async (id) => { await provider.send("evm_revert", [id]); },
    close: async () => { provider.destroy(); await anvil.stop(); await rm(dataDir, { recursive: true, force: true }); },
  };
}
