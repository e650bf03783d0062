// The vector log: both envelopes among filler leaves, 15 leaves, checkpoints of sizes 2, 9 and 15. Device records
// are leaves 3..8 (first covered by checkpoint 1), service records leaves 10..12 (first covered by checkpoint 2).
import {
  assembleBundleV2, envelopeInclusionProofV2, leafHash, MerkleTree, recordHash, toHex32, type ChainFactsV2,
  type EnvelopeV2, type ErasureBundle, type RecordOrStub,
} from "../../../core/index.ts";
import { deviceEnvelope, serviceEnvelope } from "./envelope.ts";
import { SERVICE_DEVICE, TEST_CHAIN_ID, TEST_CONTRACT, TEST_DEVICE } from "./inputs.ts";

const filler = (i: number) => leafHash(Buffer.from(`other device record ${i}`, "utf8"));
export const H = (s: string) => toHex32(leafHash(Buffer.from(s, "utf8")));
export const DEVICE_OFFSET = 3, SERVICE_OFFSET = 10, LOG_SIZE = 15;
export const CHECKPOINT_SIZES = [2, 9, 15];

export function vectorLog() {
  const dev = deviceEnvelope(), svc = serviceEnvelope();
  const hashes = (e: EnvelopeV2) => e.records.map((r) => recordHash(r.header));
  const tree = MerkleTree.fromLeafHashes([filler(0), filler(1), filler(2), ...hashes(dev), filler(3), ...hashes(svc), filler(4), filler(5)]);
  const anchor = { chainId: TEST_CHAIN_ID, contract: TEST_CONTRACT, checkpointIndex: 2, treeSize: LOG_SIZE, root: toHex32(tree.root()), txHash: H("anchor tx of checkpoint 2"), blockNumber: 42 };
  return { dev, svc, tree, anchor, hashes };
}

/** The bundle of record `index` of an envelope placed at `offset`, its record given in the form to prove (full or stub). */
export function bundleAt(envelope: EnvelopeV2, offset: number, index: number, record: RecordOrStub, erasure?: ErasureBundle) {
  const { tree, anchor, hashes } = vectorLog();
  return assembleBundleV2({
    record, envelope: { header: envelope.header, signature: envelope.signature, index, proof: envelopeInclusionProofV2(hashes(envelope), index) },
    log: { index: offset + index, treeSize: LOG_SIZE, proof: tree.inclusionProof(offset + index) }, anchor, ...(erasure === undefined ? {} : { erasure }),
  });
}

/** Facts as read from LedgerAnchor v2 for a leaf of `device` with `role`, first covered by checkpoint `covering`. */
export function factsFor(device: string, role: "device" | "service", covering: number): ChainFactsV2 {
  const { anchor } = vectorLog();
  return {
    chainId: TEST_CHAIN_ID, contract: TEST_CONTRACT, checkpoint: { index: 2, treeSize: LOG_SIZE, root: anchor.root, blockNumber: 42 },
    firstCovering: { index: covering, treeSize: CHECKPOINT_SIZES[covering]! },
    device: { address: device, registered: true, revoked: false, revokedAtCheckpoint: 0, role },
    anchorTx: { txHash: anchor.txHash, checkpointIndex: 2, blockNumber: 42 },
  };
}
export const deviceFacts = () => factsFor(TEST_DEVICE, "device", 1);
export const serviceFacts = () => factsFor(SERVICE_DEVICE, "service", 2);
