// Envelope proof route schemas.
import { z } from "zod";
import { AddressParam } from "./schemas-common.ts";

export const EnvelopeParams = z.strictObject({
  device: AddressParam,
  firstSeq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe("header.firstSeq of the envelope"),
});

export const PendingEnvelopeProof = z.object({
  status: z.literal("pending"),
  firstIndex: z.number().describe("log index of the envelope's first record"),
  count: z.number(),
  expectedCheckpoint: z.object({
    minTreeSize: z.number().describe("the first checkpoint with treeSize >= this covers the whole envelope"),
    index: z.number().describe("index that checkpoint will have (or has, if cut but not yet anchored)"),
  }),
});
