// Reads the chain facts verifyBundleV2 / verifyEnvelopeProofV2 need (PROTOCOL §11): a handful of LedgerAnchor
// reads per subject (the record, and the erasure record when a bundle carries one), nothing per ledger size.
import { chainFactsQueryV2, type ChainFactsQueryV2, type ChainFactsV2 } from "../../core/index.ts";
import { CHECKPOINT_ANCHORED_TOPIC } from "../audit/chain-view.ts";
import type { LedgerAnchorReader } from "../chain-facts.ts";

type SubjectQuery = Omit<ChainFactsQueryV2, "erasure">;
type SubjectFacts = Omit<ChainFactsV2, "erasure">;

/** The facts of one subject: its checkpoint, the first checkpoint covering its leaf, its signer (with role), its anchor tx. */
export async function readSubjectFacts(reader: LedgerAnchorReader, q: SubjectQuery): Promise<SubjectFacts> {
  const count = await reader.checkpointCount();
  const [checkpoint, firstCovering, device, receipt] = await Promise.all([
    q.checkpointIndex < count ? reader.checkpointAt(q.checkpointIndex) : Promise.resolve(null),
    reader.firstCheckpointCovering(q.leafIndex),
    reader.deviceStatus(q.device),
    reader.anchorTransaction(q.txHash).then((tx) => tx?.receipt ?? null),
  ]);
  const event = receipt?.logs.find((l) => l.address === reader.contract && l.topics[0] === CHECKPOINT_ANCHORED_TOPIC);
  return {
    chainId: reader.chainId,
    contract: reader.contract,
    checkpoint: checkpoint && { index: checkpoint.index, treeSize: checkpoint.treeSize, root: checkpoint.root, blockNumber: checkpoint.blockNumber },
    firstCovering: firstCovering && { index: firstCovering.index, treeSize: firstCovering.treeSize },
    device: { address: q.device, registered: device.registered, revoked: device.revoked, revokedAtCheckpoint: device.revokedAtCheckpoint, role: device.role },
    anchorTx: receipt && event ? { txHash: q.txHash, checkpointIndex: BigInt(event.topics[1]!), blockNumber: receipt.blockNumber } : null,
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

/** The facts for one v2 bundle (the query built from it): what the proof and access-log tests read. */
export async function readChainFacts(reader: LedgerAnchorReader, bundle: Parameters<typeof chainFactsQueryV2>[0]): Promise<ChainFactsV2> {
  return readChainFactsV2(reader, chainFactsQueryV2(bundle));
}
