// Reads the chain facts verifyBundle needs for one bundle: a handful of LedgerAnchor reads, nothing per ledger size.
import { chainFactsQuery, type Bundle, type ChainFacts } from "../../core/index.ts";
import { CHECKPOINT_ANCHORED_TOPIC } from "../audit/chain-view.ts";
import type { LedgerAnchorReader } from "../chain-facts.ts";

export async function readChainFacts(reader: LedgerAnchorReader, bundle: Bundle): Promise<ChainFacts> {
  const q = chainFactsQuery(bundle);
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
    device: { address: q.device, registered: device.registered, revoked: device.revoked, revokedAtCheckpoint: device.revokedAtCheckpoint },
    anchorTx: receipt && event ? { txHash: q.txHash, checkpointIndex: BigInt(event.topics[1]!), blockNumber: receipt.blockNumber } : null,
  };
}
