// The chain facts core's verifiers need (PROTOCOL §11), read from LedgerAnchor: a handful of reads per subject (the
// record, and the erasure record when a bundle carries one), nothing per ledger size. readChainFactsV2 reads
// afresh (auditors, the browser verifier); CachedChainFacts keeps the immutable checkpoints (the edge's self-audit).
import {
  chainFactsQueryV2, envelopeChainFactsQueryV2, streamChainFactsQuery,
  type BundleV2, type ChainFactsQueryV2, type ChainFactsV2, type EnvelopeProofV2, type StreamAnswer,
} from "../core/index.ts";
import { ledgerAnchorInterface, type ChainCheckpoint, type LedgerAnchorReader } from "./ledger-anchor.ts";

export const CHECKPOINT_ANCHORED_TOPIC = ledgerAnchorInterface.getEvent("CheckpointAnchored")!.topicHash.toLowerCase();

type SubjectQuery = Omit<ChainFactsQueryV2, "erasure">;
type SubjectFacts = Omit<ChainFactsV2, "erasure">;
export type DeviceFacts = ChainFactsV2["device"];

/** The anchor transaction's CheckpointAnchored event as core wants it, or null if the receipt has none from `contract`. */
async function anchorTxFact(reader: LedgerAnchorReader, txHash: string): Promise<SubjectFacts["anchorTx"]> {
  const receipt = (await reader.anchorTransaction(txHash))?.receipt ?? null;
  const event = receipt?.logs.find((l) => l.address === reader.contract && l.topics[0] === CHECKPOINT_ANCHORED_TOPIC);
  return receipt && event ? { txHash, checkpointIndex: BigInt(event.topics[1]!), blockNumber: receipt.blockNumber } : null;
}

/** The device's registry entry in the shape core's facts carry. */
export async function readDeviceFacts(reader: LedgerAnchorReader, device: string): Promise<DeviceFacts> {
  const s = await reader.deviceStatus(device);
  return { address: device, registered: s.registered, revoked: s.revoked, revokedAtCheckpoint: s.revokedAtCheckpoint, role: s.role };
}

/** The facts of one subject: its checkpoint, the first checkpoint covering its leaf, its signer (with role), its anchor tx. */
export async function readSubjectFacts(reader: LedgerAnchorReader, q: SubjectQuery): Promise<SubjectFacts> {
  const count = await reader.checkpointCount();
  const [checkpoint, firstCovering, device, anchorTx] = await Promise.all([
    q.checkpointIndex < count ? reader.checkpointAt(q.checkpointIndex) : Promise.resolve(null),
    reader.firstCheckpointCovering(q.leafIndex),
    readDeviceFacts(reader, q.device),
    anchorTxFact(reader, q.txHash),
  ]);
  return {
    chainId: reader.chainId,
    contract: reader.contract,
    checkpoint: checkpoint && { index: checkpoint.index, treeSize: checkpoint.treeSize, root: checkpoint.root, blockNumber: checkpoint.blockNumber },
    firstCovering: firstCovering && { index: firstCovering.index, treeSize: firstCovering.treeSize },
    device,
    anchorTx,
  };
}

/**
 * Facts for a bundle and, when it carries one, for its erasure bundle. Both are read from `reader`: an erasure
 * anchored in another log fails `erasure_log_mismatch` before its facts matter.
 */
export async function readChainFactsV2(reader: LedgerAnchorReader, q: ChainFactsQueryV2): Promise<ChainFactsV2> {
  const { erasure, ...subject } = q;
  const [facts, erasureFacts] = await Promise.all([readSubjectFacts(reader, subject), erasure ? readSubjectFacts(reader, erasure) : Promise.resolve(undefined)]);
  return erasureFacts === undefined ? facts : { ...facts, erasure: erasureFacts };
}

/** The facts for one v2 bundle (the query built from it). */
export const readBundleFacts = (reader: LedgerAnchorReader, bundle: Parameters<typeof chainFactsQueryV2>[0]): Promise<ChainFactsV2> =>
  readChainFactsV2(reader, chainFactsQueryV2(bundle));
/** The facts for an envelope proof: firstCovering is the first checkpoint covering the envelope's last leaf. */
export const readEnvelopeFacts = (reader: LedgerAnchorReader, proof: EnvelopeProofV2): Promise<ChainFactsV2> =>
  readChainFactsV2(reader, envelopeChainFactsQueryV2(proof));
/** The facts for a stream answer: its anchor checkpoint, its newest entry's leaf, the stream's device. */
export const readStreamAnswerFacts = (reader: LedgerAnchorReader, answer: StreamAnswer): Promise<ChainFactsV2> =>
  readChainFactsV2(reader, streamChainFactsQuery(answer));

/**
 * Facts for a long-running verifier (the edge's self-audit): checkpoints are immutable once anchored, so they are
 * kept and firstCovering is found among them; the device status is passed in (read once per audit round); the
 * chain id is the one the RPC itself reports, so a wrong chain fails chain_id rather than being assumed away.
 */
export class CachedChainFacts {
  readonly reader: LedgerAnchorReader;
  private readonly checkpoints: ChainCheckpoint[] = [];
  private readonly txFacts = new Map<string, SubjectFacts["anchorTx"]>();
  private refreshing: Promise<void> | null = null;
  private chainId: bigint | null = null;

  constructor(reader: LedgerAnchorReader) {
    this.reader = reader;
  }

  deviceStatus(device: string): Promise<DeviceFacts> {
    return readDeviceFacts(this.reader, device);
  }

  facts(bundle: BundleV2, device: DeviceFacts): Promise<ChainFactsV2> {
    return this.factsFor(chainFactsQueryV2(bundle), device);
  }

  envelopeFacts(proof: EnvelopeProofV2, device: DeviceFacts): Promise<ChainFactsV2> {
    return this.factsFor(envelopeChainFactsQueryV2(proof), device);
  }

  lastCheckpoint(): ChainCheckpoint | null {
    return this.checkpoints.at(-1) ?? null;
  }

  close(): void {
    this.reader.close();
  }

  /** Fetches checkpoints anchored since the last call; concurrent callers share one refresh. */
  private refreshCheckpoints(): Promise<void> {
    this.refreshing ??= (async () => {
      const count = await this.reader.checkpointCount();
      for (let i = this.checkpoints.length; i < count; i++) this.checkpoints[i] = await this.reader.checkpointAt(i);
    })().finally(() => { this.refreshing = null; });
    return this.refreshing;
  }

  private async anchorTx(txHash: string): Promise<SubjectFacts["anchorTx"]> {
    if (this.txFacts.has(txHash)) return this.txFacts.get(txHash)!;
    const fact = await anchorTxFact(this.reader, txHash);
    if (fact !== null) this.txFacts.set(txHash, fact); // a tx not mined yet may be later
    return fact;
  }

  private async factsFor(q: { checkpointIndex: number; leafIndex: number; txHash: string }, device: DeviceFacts): Promise<ChainFactsV2> {
    this.chainId ??= (await this.reader.provider.getNetwork()).chainId;
    if (q.checkpointIndex >= this.checkpoints.length || q.leafIndex >= (this.checkpoints.at(-1)?.treeSize ?? 0)) await this.refreshCheckpoints();
    const c = this.checkpoints[q.checkpointIndex] ?? null;
    const covering = this.checkpoints.find((x) => x.treeSize > q.leafIndex) ?? null;
    return {
      chainId: this.chainId,
      contract: this.reader.contract,
      checkpoint: c && { index: c.index, treeSize: c.treeSize, root: c.root, blockNumber: c.blockNumber },
      firstCovering: covering && { index: covering.index, treeSize: covering.treeSize },
      device,
      anchorTx: await this.anchorTx(q.txHash),
    };
  }
}
