// Record query and answer schemas.
import { z } from "zod";
import { EventTypeSchema } from "../../core/index.ts";
import { AddressParam, Hex32Param, Instant, InstantOut, Kind, Limit, queryObject, Site, Text, TreeSize } from "./schemas-common.ts";

export const Cursor = z.string().regex(/^\d{1,15}$/, "expected a cursor returned as nextCursor");

export const RecordsQuery = queryObject({
  device: z.union([AddressParam, z.array(AddressParam).min(1).max(100)]).optional().describe("one or more device addresses (repeat the parameter)"),
  site: Site.optional(),
  kind: Kind.optional(),
  tag: Text(256).optional().describe("reading tag (implies kind=reading)"),
  eventType: EventTypeSchema.optional().describe("event type (implies kind=event)"),
  from: Instant.optional().describe("ts >= from"),
  to: Instant.optional().describe("ts < to"),
  cursor: Cursor.optional().describe("nextCursor of the previous page"),
  limit: Limit(1000, 100),
}).refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "to must be after from" })
  .refine((q) => !(q.tag !== undefined && q.eventType !== undefined), { path: ["eventType"], message: "tag selects readings, eventType events: give one" });
export type RecordsQuery = z.infer<typeof RecordsQuery>;

const StoredRecord = z.object({
  index: z.number().describe("global leaf index"),
  hash: z.string(),
  record: z.record(z.string(), z.unknown()).describe("the record exactly as signed (docs/PROTOCOL.md §3)"),
});

export const RecordsPage = z.object({
  records: z.array(StoredRecord),
  nextCursor: z.string().nullable().describe("pass as cursor to continue after the last record (also to tail new ones)"),
  hasMore: z.boolean(),
});

export const HashParams = z.strictObject({ hash: Hex32Param });

export const RecordDetail = StoredRecord.extend({
  receivedAt: InstantOut,
  envelope: z.object({
    id: z.number(),
    header: z.object({ device: z.string(), firstSeq: z.number(), count: z.number(), recordsRoot: z.string(), lastHash: z.string() }),
    signature: z.string(),
  }),
});

export const ProofQuery = queryObject({ treeSize: TreeSize.optional().describe("an anchored checkpoint's tree size (default: the latest)") });
export const PendingProof = z.object({
  status: z.literal("pending"),
  index: z.number(),
  hash: z.string(),
  expectedCheckpoint: z.object({
    minTreeSize: z.number().describe("the first checkpoint with treeSize >= this covers the record"),
    index: z.number().describe("index that checkpoint will have (or has, if cut but not yet anchored)"),
  }),
});
