// The LedgerAnchor facts reader: what a verifier trusts, read straight from the chain over JSON-RPC (never from the
// ledger service): checkpoint history, device registry, succession and anchor transactions. Plain fetch underneath
// (ethers' JsonRpcProvider), so it runs in Node and in a browser alike.
import { Interface } from "ethers/abi";
import { Contract } from "ethers/contract";
import { JsonRpcProvider, Network, type Provider } from "ethers/providers";
import { ledgerAnchorAbi } from "../core/ledger-anchor-artifact.ts";

export type ChainErrorCode = "chain_unreachable" | "chain_id_mismatch" | "contract_missing" | "chain_read_failed";

/** The chain cannot be used as the source of truth (wrong chain, no contract, unreachable). */
export class ChainError extends Error {
  readonly code: ChainErrorCode;
  readonly expected?: unknown;
  readonly computed?: unknown;
  constructor(code: ChainErrorCode, message: string, evidence: { expected?: unknown; computed?: unknown } = {}) {
    super(message);
    this.name = "ChainError";
    this.code = code;
    if ("expected" in evidence) this.expected = evidence.expected;
    if ("computed" in evidence) this.computed = evidence.computed;
  }
}

export type ChainCheckpoint = { index: number; treeSize: number; root: string; timestamp: number; blockNumber: number };
/** LedgerAnchor v2 KeyRole: 0 Device (signs readings, series, events), 1 Service (signs access and erasure records). */
export type KeyRole = "device" | "service";
export type ChainDeviceStatus = {
  registered: boolean; revoked: boolean; revokedAtCheckpoint: number; revokedAtBlock: number; revokedAtTime: number;
  metadataHash: string; role: KeyRole;
};
/** LedgerAnchor v2 successor(): set once the contract is retired; its checkpoints above lastValidCheckpoint are not to be trusted. */
export type Succession = { successor: string; lastValidCheckpoint: number };
const ZERO_ADDRESS = "0x" + "0".repeat(40);
/** One DeviceRegistered(device, metadataHash) event: where the chain says the device was enrolled. */
export type DeviceRegistration = { device: string; metadataHash: string; blockNumber: number; txHash: string };
export type ChainLog = { address: string; topics: string[]; data: string; logIndex: number };
export type AnchorTransaction = {
  txHash: string; to: string | null; input: string;
  receipt: { status: number; blockHash: string; blockNumber: number; logs: ChainLog[] } | null;
};

export const ledgerAnchorInterface = new Interface(ledgerAnchorAbi);
const DEVICE_REGISTERED = ledgerAnchorInterface.getEvent("DeviceRegistered")!;
/** Blocks per eth_getLogs call: public RPCs cap the range (commonly at 10,000). */
export const LOG_SCAN_WINDOW = 10_000;

type RawCheckpoint = { treeSize: bigint; timestamp: bigint; blockNumber: bigint; root: string };
const toCheckpoint = (index: number, c: RawCheckpoint): ChainCheckpoint => ({
  index, treeSize: Number(c.treeSize), root: c.root.toLowerCase(), timestamp: Number(c.timestamp), blockNumber: Number(c.blockNumber),
});

/** Asks a JSON-RPC endpoint for its chain id once, with a timeout, so a bad URL fails fast and clearly. */
async function probeChainId(rpcUrl: string, timeoutMs: number): Promise<number> {
  let response: Response;
  try {
    response = await fetch(rpcUrl, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ChainError("chain_unreachable", `cannot reach the RPC endpoint ${rpcUrl}: ${(err as Error).message}`);
  }
  const body = (await response.json().catch(() => null)) as { result?: string } | null;
  if (!response.ok || typeof body?.result !== "string") {
    throw new ChainError("chain_unreachable", `${rpcUrl} did not answer eth_chainId (HTTP ${response.status})`);
  }
  return Number(BigInt(body.result));
}

/** A JSON-RPC provider pinned to `chainId` (no network detection; connectLedgerAnchor proves the id first). */
export function staticProvider(rpcUrl: string, chainId: number, pollingInterval = 4000): JsonRpcProvider {
  const network = Network.from(chainId);
  return new JsonRpcProvider(rpcUrl, network, { staticNetwork: network, pollingInterval });
}

/** Read-only view of one LedgerAnchor deployment. Construct with {@link connectLedgerAnchor}. */
export class LedgerAnchorReader {
  readonly provider: Provider;
  readonly chainId: number;
  readonly contract: string;
  readonly #anchor: Contract;
  readonly #ownsProvider: boolean;

  constructor(provider: Provider, chainId: number, contract: string, ownsProvider = false) {
    this.provider = provider;
    this.#ownsProvider = ownsProvider;
    this.chainId = chainId;
    this.contract = contract.toLowerCase();
    this.#anchor = new Contract(contract, ledgerAnchorAbi, provider);
  }

  /** Releases the provider if this reader created it. */
  close(): void {
    if (this.#ownsProvider) this.provider.destroy();
  }

  async #read<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ChainError) throw err;
      throw new ChainError("chain_read_failed", `reading ${what} from LedgerAnchor ${this.contract} failed: ${(err as Error).message}`);
    }
  }

  async blockNumber(): Promise<number> {
    return this.#read("the block number", () => this.provider.getBlockNumber());
  }

  async checkpointCount(blockTag?: number): Promise<number> {
    return this.#read("checkpointCount", async () => Number(await this.#anchor.getFunction("checkpointCount")({ blockTag })));
  }

  async checkpointAt(index: number, blockTag?: number): Promise<ChainCheckpoint> {
    return this.#read(`checkpointAt(${index})`, async () =>
      toCheckpoint(index, await this.#anchor.getFunction("checkpointAt")(index, { blockTag }) as RawCheckpoint));
  }

  /** Every checkpoint 0 … count-1, one read each (a few in flight), all pinned to one block for a coherent view. */
  async checkpointHistory(opts: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<ChainCheckpoint[]> {
    const blockTag = await this.blockNumber();
    const count = await this.checkpointCount(blockTag);
    const history: ChainCheckpoint[] = new Array(count);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < count) {
        const index = next++;
        history[index] = await this.checkpointAt(index, blockTag);
        opts.onProgress?.(++done, count);
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, count) }, worker));
    return history;
  }

  /** The checkpoint that first anchored `leafIndex`, or null while no checkpoint covers it. */
  async firstCheckpointCovering(leafIndex: number): Promise<ChainCheckpoint | null> {
    const latest = await this.checkpointCount();
    if (latest === 0) return null;
    const last = await this.checkpointAt(latest - 1);
    if (last.treeSize <= leafIndex) return null;
    return this.#read(`firstCheckpointCovering(${leafIndex})`, async () => {
      const [index, c] = await this.#anchor.getFunction("firstCheckpointCovering")(leafIndex) as [bigint, RawCheckpoint];
      return toCheckpoint(Number(index), c);
    });
  }

  async deviceStatus(device: string, blockTag?: number): Promise<ChainDeviceStatus> {
    return this.#read(`deviceStatus(${device})`, async () => {
      const s = await this.#anchor.getFunction("deviceStatus")(device, { blockTag });
      return {
        registered: Boolean(s.registered), revoked: Boolean(s.revoked), revokedAtCheckpoint: Number(s.revokedAtCheckpoint),
        revokedAtBlock: Number(s.revokedAtBlock), revokedAtTime: Number(s.revokedAtTime), metadataHash: String(s.metadataHash).toLowerCase(),
        role: Number(s.keyRole) === 1 ? "service" : "device",
      };
    });
  }

  /** The successor and the last checkpoint to trust here, or null while the contract is not retired. */
  async succession(blockTag?: number): Promise<Succession | null> {
    return this.#read("successor()", async () => {
      const [successor, lastValidCheckpoint] = await this.#anchor.getFunction("successor")({ blockTag }) as [string, bigint];
      const address = String(successor).toLowerCase();
      return address === ZERO_ADDRESS ? null : { successor: address, lastValidCheckpoint: Number(lastValidCheckpoint) };
    });
  }

  /**
   * The block that deployed the contract: the first block at which it has code (binary search, ~log2(latest)
   * reads). A node without historical state cannot answer; then 0, so a registry scan misses nothing.
   */
  async deployBlock(latest: number): Promise<number> {
    const hasCode = async (block: number) => (await this.provider.getCode(this.contract, block)) !== "0x";
    try {
      let lo = 0, hi = latest;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (await hasCode(mid)) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    } catch {
      return 0;
    }
  }

  /** Every DeviceRegistered event in [fromBlock, toBlock], in chain order, read in LOG_SCAN_WINDOW-block windows. */
  async deviceRegistrations(fromBlock: number, toBlock: number): Promise<DeviceRegistration[]> {
    const out: DeviceRegistration[] = [];
    for (let from = fromBlock; from <= toBlock; from += LOG_SCAN_WINDOW) {
      const to = Math.min(toBlock, from + LOG_SCAN_WINDOW - 1);
      const logs = await this.#read(`DeviceRegistered events in blocks ${from}…${to}`, () =>
        this.provider.getLogs({ address: this.contract, topics: [DEVICE_REGISTERED.topicHash], fromBlock: from, toBlock: to }));
      for (const log of logs) {
        const [device, metadataHash] = ledgerAnchorInterface.decodeEventLog(DEVICE_REGISTERED, log.data, log.topics);
        out.push({ device: String(device).toLowerCase(), metadataHash: String(metadataHash).toLowerCase(), blockNumber: log.blockNumber, txHash: log.transactionHash.toLowerCase() });
      }
    }
    return out;
  }

  /** The anchor transaction and its receipt as the chain has them, or null if the chain does not know the hash. */
  async anchorTransaction(txHash: string): Promise<AnchorTransaction | null> {
    return this.#read(`transaction ${txHash}`, async () => {
      const [tx, receipt] = await Promise.all([this.provider.getTransaction(txHash), this.provider.getTransactionReceipt(txHash)]);
      if (!tx) return null;
      return {
        txHash: tx.hash.toLowerCase(), to: tx.to?.toLowerCase() ?? null, input: tx.data.toLowerCase(),
        receipt: receipt && {
          status: receipt.status ?? 0, blockHash: receipt.blockHash.toLowerCase(), blockNumber: receipt.blockNumber,
          logs: receipt.logs.map((l) => ({ address: l.address.toLowerCase(), topics: l.topics.map((t) => t.toLowerCase()), data: l.data.toLowerCase(), logIndex: l.index })),
        },
      };
    });
  }
}

/**
 * Connects to LedgerAnchor at `contract` and proves it is the right one: the chain id matches `expectedChainId`
 * (when given) and the address holds code. A provider can be passed instead of a URL (tests use Hardhat's EDR).
 */
export async function connectLedgerAnchor(
  rpc: string | Provider,
  contract: string,
  opts: { expectedChainId?: number; timeoutMs?: number } = {},
): Promise<LedgerAnchorReader> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(contract)) throw new ChainError("contract_missing", `not a contract address: ${contract}`);
  let provider: Provider;
  let chainId: number;
  if (typeof rpc === "string") {
    chainId = await probeChainId(rpc, opts.timeoutMs ?? 10_000);
    provider = staticProvider(rpc, chainId);
  } else {
    provider = rpc;
    chainId = Number((await provider.getNetwork()).chainId);
  }
  const fail = (err: ChainError): never => {
    if (typeof rpc === "string") provider.destroy();
    throw err;
  };
  if (opts.expectedChainId !== undefined && opts.expectedChainId !== chainId) {
    fail(new ChainError("chain_id_mismatch", `the RPC serves chain ${chainId}, but the ledger anchors on chain ${opts.expectedChainId}`,
      { expected: opts.expectedChainId, computed: chainId }));
  }
  const code = await provider.getCode(contract).catch((err: Error) =>
    fail(new ChainError("chain_unreachable", `cannot read code at ${contract}: ${err.message}`)));
  if (code === "0x") {
    fail(new ChainError("contract_missing", `no contract at ${contract} on chain ${chainId}: wrong chain or wrong address`,
      { expected: "contract code", computed: "0x" }));
  }
  const reader = new LedgerAnchorReader(provider, chainId, contract, typeof rpc === "string");
  // Code alone could be any contract: a LedgerAnchor answers checkpointCount().
  await reader.checkpointCount().catch(() =>
    fail(new ChainError("contract_missing", `the contract at ${contract} on chain ${chainId} is not a LedgerAnchor (checkpointCount() failed)`)));
  return reader;
}
