/**
 * Chain facts for self-audit, read straight from LedgerAnchor over JSON-RPC (never from the ledger service).
 * Checkpoints are immutable once anchored, so they are cached; firstCovering is computed from them locally.
 */
import { Contract, JsonRpcProvider, type Log } from "ethers";
import { ledgerAnchorAbi } from "../../core/ledger-anchor-artifact.ts";
import { chainFactsQueryV2, envelopeChainFactsQueryV2, type BundleV2, type ChainFactsV2, type EnvelopeProofV2 } from "../../core/index.ts";

type ChainFacts = ChainFactsV2;
/** LedgerAnchor v2's KeyRole enum (ILedgerAnchor.sol): Device = 0, Service = 1. */
const KEY_ROLES = ["device", "service"] as const;

type Checkpoint = { index: number; treeSize: number; root: string; blockNumber: number };

export class ChainFactsReader {
  private readonly provider: JsonRpcProvider;
  private readonly contract: Contract;
  private readonly address: string;
  private readonly checkpoints: Checkpoint[] = [];
  private readonly txFacts = new Map<string, { txHash: string; checkpointIndex: number; blockNumber: number } | null>();
  private chainId: bigint | null = null;

  constructor(rpcUrl: string, contract: string) {
    this.provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, pollingInterval: 250 });
    this.address = contract.toLowerCase();
    this.contract = new Contract(contract, ledgerAnchorAbi, this.provider);
  }

  private refreshing: Promise<void> | null = null;

  /** Fetches checkpoints anchored since the last call; concurrent callers share one refresh. */
  private refreshCheckpoints(): Promise<void> {
    this.refreshing ??= (async () => {
      const count = Number(await this.contract.getFunction("checkpointCount")());
      for (let i = this.checkpoints.length; i < count; i++) {
        const c = await this.contract.getFunction("checkpointAt")(i);
        this.checkpoints[i] = { index: i, treeSize: Number(c.treeSize), root: String(c.root).toLowerCase(), blockNumber: Number(c.blockNumber) };
      }
    })().finally(() => { this.refreshing = null; });
    return this.refreshing;
  }

  private async anchorTx(txHash: string) {
    if (this.txFacts.has(txHash)) return this.txFacts.get(txHash)!;
    const receipt = await this.provider.getTransactionReceipt(txHash);
    let fact: { txHash: string; checkpointIndex: number; blockNumber: number } | null = null;
    for (const log of (receipt?.logs ?? []) as readonly Log[]) {
      if (log.address.toLowerCase() !== this.address) continue;
      const parsed = this.contract.interface.parseLog(log);
      if (parsed?.name === "CheckpointAnchored") fact = { txHash, checkpointIndex: Number(parsed.args[0]), blockNumber: receipt!.blockNumber };
    }
    if (receipt) this.txFacts.set(txHash, fact);
    return fact;
  }

  /** The device's registry entry, read once per audit round. */
  async deviceStatus(device: string): Promise<ChainFacts["device"]> {
    const s = await this.contract.getFunction("deviceStatus")(device);
    return { address: device, registered: Boolean(s.registered), revoked: Boolean(s.revoked), revokedAtCheckpoint: BigInt(s.revokedAtCheckpoint), role: KEY_ROLES[Number(s.keyRole)] ?? "device" };
  }

  async facts(bundle: BundleV2, device: ChainFacts["device"]): Promise<ChainFacts> {
    return this.factsFor(chainFactsQueryV2(bundle), device);
  }

  /** Facts for an envelope proof: firstCovering is the first checkpoint covering the envelope's last leaf. */
  async envelopeFacts(proof: EnvelopeProofV2, device: ChainFacts["device"]): Promise<ChainFacts> {
    return this.factsFor(envelopeChainFactsQueryV2(proof), device);
  }

  private async factsFor(q: { checkpointIndex: number; leafIndex: number; txHash: string }, device: ChainFacts["device"]): Promise<ChainFacts> {
    this.chainId ??= (await this.provider.getNetwork()).chainId;
    if (q.checkpointIndex >= this.checkpoints.length || q.leafIndex >= (this.checkpoints.at(-1)?.treeSize ?? 0)) {
      await this.refreshCheckpoints();
    }
    const checkpoint = this.checkpoints[q.checkpointIndex] ?? null;
    const covering = this.checkpoints.find((c) => c.treeSize > q.leafIndex) ?? null;
    return {
      chainId: this.chainId,
      contract: this.address,
      checkpoint,
      firstCovering: covering ? { index: covering.index, treeSize: covering.treeSize } : null,
      device,
      anchorTx: await this.anchorTx(q.txHash),
    };
  }

  lastCheckpoint(): Checkpoint | null {
    return this.checkpoints.at(-1) ?? null;
  }

  close(): void {
    this.provider.destroy();
  }
}
