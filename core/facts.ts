// Chain facts (PROTOCOL §11): what a verifier read from LedgerAnchor for a bundle or envelope proof, including
// the device's role and, when a bundle carries an erasure bundle, the same facts read for that erasure bundle.
import { z } from "zod";

const big = z.union([z.number().int().min(0), z.bigint().min(0n)]);
// Facts come straight from ethers, which checksums addresses: accept any case, compare lowercase.
const anyCaseAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/).transform((s) => s.toLowerCase());
const anyCaseHex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase());

/** LedgerAnchor v2 registerDevice(device, metadataHash, role): SERVICE keys sign access and erasure records. */
export const DeviceRoleSchema = z.enum(["device", "service"]);
export type DeviceRole = z.infer<typeof DeviceRoleSchema>;

/**
 * Facts read from LedgerAnchor at `contract` on `chainId`: checkpointAt(anchor.checkpointIndex), firstCovering(leaf
 * index), the signer's device status and role, and optionally the CheckpointAnchored event found in the receipt of
 * anchor.txHash. null means "the chain has no such thing".
 */
const SubjectFactsV2 = z.object({
  chainId: big,
  contract: anyCaseAddress,
  checkpoint: z.object({ index: big, treeSize: big, root: anyCaseHex32, blockNumber: big.optional() }).nullable(),
  firstCovering: z.object({ index: big, treeSize: big }).nullable(),
  device: z.object({
    /** The address these facts were read for; checked against the record when given. */
    address: anyCaseAddress.optional(),
    registered: z.boolean(),
    revoked: z.boolean(),
    revokedAtCheckpoint: big,
    role: DeviceRoleSchema,
  }),
  /** From the receipt of anchor.txHash: the checkpoint index its CheckpointAnchored event carries, or null if none. Omit to skip. */
  anchorTx: z.object({ txHash: anyCaseHex32, checkpointIndex: big, blockNumber: big }).nullable().optional(),
});

export const ChainFactsV2Schema = SubjectFactsV2.extend({
  /** Facts read for bundle.erasure exactly as for a bundle (its checkpoint, its leaf, its signer). Required iff it is present. */
  erasure: SubjectFactsV2.optional(),
});
export type ChainFactsV2 = z.input<typeof ChainFactsV2Schema>;
export type ParsedChainFactsV2 = z.output<typeof ChainFactsV2Schema>;
export type ParsedSubjectFactsV2 = z.output<typeof SubjectFactsV2>;

type Queried = { anchor: { chainId: number; contract: string; checkpointIndex: number; txHash: string }; log: { index: number }; record: { header: { device: string } } };
export type ChainFactsQueryV2 = { chainId: number; contract: string; checkpointIndex: number; leafIndex: number; device: string; txHash: string; erasure?: ChainFactsQueryV2 };

/** What to read from LedgerAnchor for a v2 bundle (and, recursively, for its erasure bundle). */
export function chainFactsQueryV2(b: Queried & { erasure?: Queried }): ChainFactsQueryV2 {
  const q = (x: Queried) => ({
    chainId: x.anchor.chainId, contract: x.anchor.contract, checkpointIndex: x.anchor.checkpointIndex,
    leafIndex: x.log.index, device: x.record.header.device, txHash: x.anchor.txHash,
  });
  return b.erasure === undefined ? q(b) : { ...q(b), erasure: q(b.erasure) };
}
