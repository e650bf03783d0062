// Chain facts v2 (PROTOCOL-v2 §11): v1's facts, plus the device's LedgerAnchor role and, when a bundle carries
// an erasure bundle, the same facts read for that erasure bundle.
import { z } from "zod";
import { ChainFactsSchema } from "../bundle.ts";

/** LedgerAnchor v2 registerDevice(device, metadataHash, role): SERVICE keys sign access and erasure records. */
export const DeviceRoleSchema = z.enum(["device", "service"]);
export type DeviceRole = z.infer<typeof DeviceRoleSchema>;

const DeviceFactsV2 = ChainFactsSchema.shape.device.extend({ role: DeviceRoleSchema });
const SubjectFactsV2 = ChainFactsSchema.extend({ device: DeviceFactsV2 });

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
