// Stream answers (docs/PROTOCOL.md §11.2, format otledger.stream-answer/1): a stream's records in a time window,
// the boundary stubs just outside it and one multi-leaf inclusion proof of all of them in one anchored checkpoint.
import { z } from "zod";
import { AddressSchema, Hex32Schema } from "./hex.ts";
import { StreamDescriptorSchema } from "./header.ts";
import { RecordOrStubSchema } from "./record.ts";
import { TimestampSchema } from "./time.ts";

const index = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A record or stub at its global log leaf index. */
export const StreamEntrySchema = z.strictObject({ index, record: RecordOrStubSchema });
export type StreamEntry = z.infer<typeof StreamEntrySchema>;

export const StreamAnswerSchema = z.strictObject({
  version: z.literal("otledger.stream-answer/1"),
  device: AddressSchema,
  /** Opens the stream id: the verifier recomputes it rather than trusting the server's. */
  stream: StreamDescriptorSchema,
  /** Half-open [from, to): a record is inside iff its span [from, to] meets it (record.from < to and record.to ≥ from). */
  window: z.strictObject({ from: TimestampSchema, to: TimestampSchema }).refine((w) => w.from < w.to, "window.from must be before window.to"),
  /** The stream's record just before the window, or null when the first returned record (or `after`) is the stream's first. */
  before: StreamEntrySchema.nullable(),
  /** In streamSeq order; every one a full record (or a personal-erased event) inside the window. */
  records: z.array(StreamEntrySchema).max(4096),
  /** The stream's record just after the window (or, when `truncated`, the next in-window record), or null when the window reaches the newest anchored record. */
  after: StreamEntrySchema.nullable(),
  /** A page cut by `limit`: `after` is then the next record of the window (a stub) and the next page starts from it. */
  truncated: z.boolean(),
  anchor: z.strictObject({
    chainId: z.number().int().min(0), contract: AddressSchema, checkpointIndex: index, treeSize: index, root: Hex32Schema,
    txHash: Hex32Schema, blockNumber: index,
  }),
  /** Multi-leaf proof (§7.2) of before, records and after (in that order, which is increasing leaf order) in anchor.treeSize. */
  proof: z.array(Hex32Schema).max(4096 * 64),
});
export type StreamAnswer = z.infer<typeof StreamAnswerSchema>;

/** What to read from LedgerAnchor for a stream answer: facts as for an envelope proof, firstCovering of the last leaf. */
export function streamChainFactsQuery(a: StreamAnswer): { chainId: number; contract: string; checkpointIndex: number; leafIndex: number; device: string; txHash: string } {
  const entries = [a.before, ...a.records, a.after].filter((e) => e !== null);
  return { chainId: a.anchor.chainId, contract: a.anchor.contract, checkpointIndex: a.anchor.checkpointIndex, leafIndex: entries.at(-1)?.index ?? 0, device: a.device, txHash: a.anchor.txHash };
}
