// Deploys LedgerAnchor on a fresh in-process Hardhat EDR chain from the exported artifact (what server/auditor use).
import hre from "hardhat";
import { BrowserProvider, Contract, ContractFactory, Interface } from "ethers";
import type { JsonRpcSigner } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import { ledgerAnchorAbi, ledgerAnchorBytecode } from "../../core/ledger-anchor-artifact.ts";

export const anchorInterface = new Interface(ledgerAnchorAbi);

export interface AnchorFixture {
  provider: BrowserProvider;
  ledger: Contract;
  as: (signer: JsonRpcSigner) => Contract;
  admin: JsonRpcSigner;
  anchorer: JsonRpcSigner;
  registrar: JsonRpcSigner;
  stranger: JsonRpcSigner;
  close: () => Promise<void>;
}

/** Deploys on `connection` if given (several deployments on one chain), else on a new in-process chain. */
export async function deployLedgerAnchor(connection?: NetworkConnection): Promise<AnchorFixture> {
  const owned = connection === undefined;
  connection ??= await hre.network.connect();
  // cacheTimeout -1: ethers otherwise answers an identical request within 250 ms from the first one's result,
  // so a call retried after a state change (say, revoke after register) would repeat the old revert.
  const provider = new BrowserProvider(connection.provider, undefined, { cacheTimeout: -1 });
  const [admin, anchorer, registrar, stranger] = await Promise.all([0, 1, 2, 3].map((i) => provider.getSigner(i)));
  if (!admin || !anchorer || !registrar || !stranger) throw new Error("EDR network has fewer than 4 accounts");
  const factory = new ContractFactory(ledgerAnchorAbi, ledgerAnchorBytecode, admin);
  const deployed = await factory.deploy(admin.address, anchorer.address, registrar.address);
  await deployed.waitForDeployment();
  const ledger = new Contract(await deployed.getAddress(), ledgerAnchorAbi, provider);
  const as = (signer: JsonRpcSigner) => ledger.connect(signer) as Contract;
  return { provider, ledger, as, admin, anchorer, registrar, stranger, close: async () => { if (owned) await connection.close(); } };
}

/** The custom error a failed call or transaction reverted with, decoded by the contract's interface. */
export async function revertOf(action: Promise<unknown>): Promise<{ name: string; args: unknown[] }> {
  try {
    await action;
  } catch (error) {
    const data = findRevertData(error);
    if (data === undefined) throw error;
    const parsed = anchorInterface.parseError(data);
    if (parsed === null) throw new Error(`unknown revert data ${data}`);
    return { name: parsed.name, args: [...parsed.args] };
  }
  throw new Error("expected a revert, but the call succeeded");
}

function findRevertData(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === "object" && depth < 5; depth++) {
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) return data;
    e = (e as { error?: unknown; info?: { error?: unknown } }).error ?? (e as { info?: { error?: unknown } }).info?.error;
  }
  return undefined;
}

export const hex = (bytes: Uint8Array): string => "0x" + Buffer.from(bytes).toString("hex");

/** The single event `name` emitted by the transaction, decoded. */
export function eventOf(receipt: { logs: readonly { topics: readonly string[]; data: string }[] }, name: string): unknown[] {
  const found = receipt.logs.map((log) => anchorInterface.parseLog(log)).filter((e) => e?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${name} event, found ${found.length}`);
  return [...found[0]!.args];
}

/** Moves the chain's clock `seconds` ahead and mines a block with it (EDR time travel, no waiting). */
export async function advanceTime(provider: BrowserProvider, seconds: number): Promise<void> {
  await provider.send("evm_increaseTime", [seconds]);
  await provider.send("evm_mine", []);
}

/** Every event the transaction emitted, as [name, ...args], in log order. */
export function eventsOf(receipt: { logs: readonly { topics: readonly string[]; data: string }[] }): unknown[][] {
  return receipt.logs.map((log) => anchorInterface.parseLog(log)).filter((e) => e !== null).map((e) => [e.name, ...e.args]);
}
