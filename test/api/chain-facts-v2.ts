// Chain facts v2 (PROTOCOL §11) for a bundle or envelope proof, read straight from LedgerAnchor on the test
// chain as chainFactsQueryV2 / envelopeChainFactsQueryV2 list them: the API's proofs are checked against the
// chain, never against what the service says.
import { id as keccakText, type Contract, type JsonRpcProvider } from "ethers";
import type { ChainFactsQueryV2, ChainFactsV2 } from "../../core/index.ts";

const CHECKPOINT_ANCHORED = keccakText("CheckpointAnchored(uint256,uint64,bytes32)");
type Chain = { chainId: number; contract: string; ledger: Contract; provider: JsonRpcProvider };
type Query = Omit<ChainFactsQueryV2, "erasure"> & { erasure?: ChainFactsQueryV2 };

export async function readChainFactsV2(chain: Chain, q: Query): Promise<ChainFactsV2> {
  const call = (name: string, ...args: unknown[]) => chain.ledger.getFunction(name)(...args);
  const count = Number(await call("checkpointCount"));
  const [checkpoint, covering, device, receipt] = await Promise.all([
    q.checkpointIndex < count ? call("checkpointAt", q.checkpointIndex) : null,
    call("firstCheckpointCovering", q.leafIndex).catch(() => null),
    call("deviceStatus", q.device),
    chain.provider.getTransactionReceipt(q.txHash),
  ]);
  const event = receipt?.logs.find((l) => l.address.toLowerCase() === chain.contract.toLowerCase() && l.topics[0] === CHECKPOINT_ANCHORED);
  const facts: ChainFactsV2 = {
    chainId: chain.chainId,
    contract: chain.contract.toLowerCase(),
    checkpoint: checkpoint === null ? null : { index: q.checkpointIndex, treeSize: checkpoint.treeSize, root: String(checkpoint.root).toLowerCase(), blockNumber: checkpoint.blockNumber },
    firstCovering: covering === null ? null : { index: covering[0], treeSize: covering[1].treeSize },
    device: { address: q.device, registered: device.registered, revoked: device.revoked, revokedAtCheckpoint: device.revokedAtCheckpoint, role: Number(device.keyRole) === 1 ? "service" : "device" },
    anchorTx: receipt === null || event === undefined ? null : { txHash: q.txHash, checkpointIndex: BigInt(event.topics[1]!), blockNumber: receipt.blockNumber },
  };
  return q.erasure === undefined ? facts : { ...facts, erasure: await readChainFactsV2(chain, q.erasure) as never };
}
