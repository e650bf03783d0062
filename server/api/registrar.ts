// Device enrollment on LedgerAnchor with the registrar role: registerDevice / revokeDevice, one transaction at a
// time (no nonce races), each waited for before the next. Without a registrar key enrollment answers 503.
// The registry's own refusals (already registered, already revoked, not registered: another caller got there
// first) come back as a RegistryRevert, so callers can treat a lost race as done; anything else is a 503.
import { Contract, type Wallet } from "ethers";
import { ledgerAnchorAbi } from "../../core/ledger-anchor-artifact.ts";
import type { ChainConnection } from "../chain/connection.ts";
import { ApiError } from "./errors.ts";

export type TxOutcome = { txHash: string; blockNumber: number };

const REVERTS = { DeviceAlreadyRegistered: "device_already_registered", DeviceAlreadyRevoked: "device_already_revoked", DeviceNotRegistered: "device_not_registered" } as const;
type RevertName = keyof typeof REVERTS;

export class RegistryRevert extends Error {
  readonly code: (typeof REVERTS)[RevertName];
  /** The revert's decoded arguments (device, and revokedAtCheckpoint for DeviceAlreadyRevoked). */
  readonly args: string[];
  constructor(name: RevertName, args: string[]) {
    super(`LedgerAnchor reverted with ${name}(${args.join(", ")})`);
    this.name = "RegistryRevert";
    this.code = REVERTS[name];
    this.args = args;
  }
}

export class Registrar {
  readonly #contract: Contract | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(chain: ChainConnection, wallet: Wallet | undefined) {
    this.#contract = wallet === undefined ? undefined : new Contract(chain.contractAddress, ledgerAnchorAbi, wallet.connect(chain.provider));
  }

  get available(): boolean {
    return this.#contract !== undefined;
  }

  register(address: string, metadataHash: string): Promise<TxOutcome> {
    return this.#send("registerDevice", address, metadataHash);
  }

  /** LedgerAnchor v2: registers a key with the SERVICE role (it signs access and erasure records, never data). */
  registerServiceKey(address: string, metadataHash: string): Promise<TxOutcome> {
    return this.#send("registerServiceKey", address, metadataHash);
  }

  revoke(address: string): Promise<TxOutcome> {
    return this.#send("revokeDevice", address);
  }

  #send(method: string, ...args: unknown[]): Promise<TxOutcome> {
    const contract = this.#contract;
    if (contract === undefined) return Promise.reject(new ApiError(503, "registrar_unavailable", "no registrar key is configured (OTLEDGER_REGISTRAR_KEY_FILE)"));
    const run = async (): Promise<TxOutcome> => {
      try {
        const tx = await contract.getFunction(method)(...args);
        const receipt = await tx.wait(1);
        return { txHash: String(receipt.hash).toLowerCase(), blockNumber: Number(receipt.blockNumber) };
      } catch (err) {
        const revert = revertOf(contract, err);
        if (revert !== undefined) throw new RegistryRevert(revert.name, revert.args);
        throw new ApiError(503, "chain_unavailable", `${method} failed: ${(err as { shortMessage?: string }).shortMessage ?? (err as Error).message}`);
      }
    };
    const next = this.#tail.then(run, run);
    this.#tail = next.catch(() => {});
    return next;
  }
}

/** The registry revert in a failed send, decoded from its revert data (ethers leaves it undecoded when gas estimation reverts). */
function revertOf(contract: Contract, err: unknown): { name: RevertName; args: string[] } | undefined {
  const data = (err as { data?: unknown }).data;
  if (typeof data !== "string") return undefined;
  try {
    const parsed = contract.interface.parseError(data);
    if (parsed === null || !(parsed.name in REVERTS)) return undefined;
    return { name: parsed.name as RevertName, args: parsed.args.map(String) };
  } catch {
    return undefined;
  }
}
