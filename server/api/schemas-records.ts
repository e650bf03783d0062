// Record query and answer schemas (v2: records in their stored form, PROTOCOL §3).
import { z } from "zod";
import { EventTypeSchema, HeaderSchema, OpcDataTypeSchema, PersonalSchema, SaltSchema, StreamDescriptorSchema } from "../../core/index.ts";
import { AddressParam, Hex32Param, Instant, InstantOut, Kind, Limit, queryObject, Site, Text, TreeSize } from "./schemas-common.ts";

export const Cursor = z.string().regex(/^\d{1,15}$/, "expected a cursor returned as nextCursor");

export const RecordsQuery = queryObject({
  device: z.union([AddressParam, z.array(AddressParam).min(1).max(100)]).optional().describe("one or more device addresses (repeat the parameter)"),
  site: Site.optional(),
  kind: Kind.optional(),
  tag: Text(256).optional().describe("stream name of readings and series (implies kind reading or series)"),
  asset: Text(256).optional().describe("asset of events (stream @events/<asset>; implies kind=event)"),
  eventType: EventTypeSchema.optional().describe("event type (implies kind=event)"),
  from: Instant.optional().describe("records whose span [header.from, header.to] meets [from, to): header.to >= from"),
  to: Instant.optional().describe("records whose span meets [from, to): header.from < to"),
  cursor: Cursor.optional().describe("nextCursor of the previous page"),
  limit: Limit(1000, 100),
}).refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "to must be after from" })
  .refine((q) => !(q.tag !== undefined && q.eventType !== undefined), { path: ["eventType"], message: "tag selects readings and series, eventType events: give one" })
  .refine((q) => !(q.tag !== undefined && q.asset !== undefined), { path: ["asset"], message: "tag selects readings and series, asset events: give one" })
  .refine((q) => !(q.tag !== undefined && q.kind === "event"), { path: ["tag"], message: "tag selects readings and series, not events" })
  .refine((q) => !((q.eventType !== undefined || q.asset !== undefined) && q.kind !== undefined && q.kind !== "event"), { path: ["kind"], message: "eventType and asset select events" });
export type RecordsQuery = z.infer<typeof RecordsQuery>;

/** A record as stored: the full record, a personal-erased event (no personal opening) or a stub (header, stream). */
export const StoredRecordSchema = z.object({
  header: HeaderSchema,
  stream: StreamDescriptorSchema.optional(),
  salt: SaltSchema.optional(),
  body: z.record(z.string(), z.unknown()).optional().describe("the body opening (PROTOCOL §4); absent once erased"),
  personal: PersonalSchema.optional().describe("events: the personal opening; absent once erased"),
  personalSalt: SaltSchema.optional(),
}).describe("the v2 record in its stored form (docs/PROTOCOL.md §3): full record, personal-erased event or stub");

const StoredItem = z.object({
  index: z.number().describe("global leaf index"),
  hash: z.string().describe("record hash: the leaf hash of the header's JCS text"),
  record: StoredRecordSchema,
});

export const RecordsPage = z.object({
  records: z.array(StoredItem),
  nextCursor: z.string().nullable().describe("pass as cursor to continue after the last record (also to tail new ones)"),
  hasMore: z.boolean(),
});

export const HashParams = z.strictObject({ hash: Hex32Param });

export const RecordDetail = StoredItem.extend({
  receivedAt: InstantOut,
  envelope: z.object({
    id: z.number(),
    header: z.object({ device: z.string(), firstSeq: z.number(), count: z.number(), recordsRoot: z.string(), lastHash: z.string() }),
    signature: z.string(),
  }),
});

export const SamplesAnswer = z.object({
  index: z.number(),
  hash: z.string(),
  stream: z.string().describe("the tag (stream name)"),
  nodeId: z.string(),
  unit: z.string().nullable(),
  dataType: z.string(),
  samples: z.array(z.object({
    i: z.number().describe("sample index: a sample is identified by (record hash, i)"),
    time: InstantOut.describe("source timestamp, else server timestamp, else the agent's receive time"),
    serverTime: z.string().nullable().describe("RFC 3339; null when the sample has no server timestamp"),
    status: z.number().describe("OPC UA StatusCode"),
    value: z.object({ t: z.union([OpcDataTypeSchema, z.literal("Null")]), v: z.unknown() }).describe("an OpcValue (PROTOCOL §4.5)"),
  })),
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
