// Schemas of the otledger.export/2 stream (docs/AUDIT-FORMAT.md): one object per NDJSON line, tagged by `type`.
import { z } from "zod";

export const EXPORT_FORMAT = "otledger.export/2";
/** The protocol (docs/PROTOCOL.md) whose records the stream carries. */
export const EXPORT_PROTOCOL_VERSION = "2";
export const LEAVES_CHUNK_MAX = 4096;

const Hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "expected 0x + 64 lowercase hex digits");
const Address = z.string().regex(/^0x[0-9a-f]{40}$/, "expected a lowercase 0x + 40 hex digit address");
const Signature = z.string().regex(/^0x[0-9a-f]{130}$/, "expected 0x + 130 lowercase hex digits");
const HexData = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "expected 0x-prefixed hex bytes");
const Index = z.number().int().nonnegative();
const Time = z.string().datetime({ offset: true });

export const HeaderLineSchema = z.object({
  type: z.literal("header"),
  format: z.literal(EXPORT_FORMAT),
  protocolVersion: z.literal(EXPORT_PROTOCOL_VERSION),
  chainId: z.number().int().positive(),
  contract: Address,
  range: z.object({
    fromIndex: Index,
    toIndex: Index,
    from: Time.nullable().default(null),
    to: Time.nullable().default(null),
    devices: z.array(Address).nullable().default(null),
  }),
  scope: z.enum(["full", "partial"]),
  treeSize: Index,
  registryBlock: Index,
  generatedAt: Time,
});

export const DeviceLineSchema = z.object({
  type: z.literal("device"),
  address: Address,
  registered: z.boolean(),
  revoked: z.boolean(),
  revokedAtCheckpoint: Index,
  revokedAtBlock: Index,
  // RFC 3339 (null while not revoked); exports written before that carried the chain's epoch seconds.
  revokedAtTime: z.union([Time.nullable(), Index]),
  metadataHash: Hex32,
  /** LedgerAnchor v2 keyRole (service keys sign access and erasure records); optional, compared with the chain when sent. */
  role: z.enum(["device", "service"]).optional(),
  label: z.string().optional(),
});

const ReceiptSchema = z.object({
  status: z.number().int(),
  blockHash: Hex32,
  blockNumber: Index,
  logs: z.array(z.object({ address: Address, topics: z.array(Hex32), data: HexData, logIndex: Index })),
});

export const CheckpointLineSchema = z.object({
  type: z.literal("checkpoint"),
  index: Index,
  treeSize: Index,
  root: Hex32,
  txHash: Hex32.nullable(),
  blockNumber: Index.nullable(),
  anchoredAt: Time.nullable().optional(),
  tx: z.object({ input: HexData }).optional(),
  receipt: ReceiptSchema.optional(),
});

export const EnvelopeHeaderSchema = z.object({
  device: Address,
  firstSeq: z.number().int().positive(),
  count: z.number().int().positive(),
  recordsRoot: Hex32,
  lastHash: Hex32,
});

export const EnvelopeLineSchema = z.object({
  type: z.literal("envelope"),
  id: z.string().min(1),
  header: EnvelopeHeaderSchema,
  signature: Signature,
  receivedAt: Time.nullable().optional(),
});

/**
 * The record is the stored v2 form (full record, personal-erased event or stub). The line schema leaves it
 * untyped: record-line.ts parses its header strictly and checks its openings with core's checkRecord, so a
 * record whose openings fail still counts in both chains (its header is what the leaf commits to).
 */
export const RecordLineSchema = z.object({
  type: z.literal("record"),
  index: Index,
  hash: Hex32,
  envelope: z.string().min(1),
  receivedAt: Time.nullable().optional(),
  record: z.looseObject({ header: z.unknown() }),
});

export const LeavesLineSchema = z.object({
  type: z.literal("leaves"),
  start: Index,
  hashes: z.array(Hex32).max(LEAVES_CHUNK_MAX),
});

export const EndLineSchema = z.object({
  type: z.literal("end"),
  counts: z.object({ device: Index, checkpoint: Index, envelope: Index, record: Index, leaves: Index }),
});

export const ExportLineSchema = z.discriminatedUnion("type", [
  HeaderLineSchema, DeviceLineSchema, CheckpointLineSchema, EnvelopeLineSchema, RecordLineSchema,
  LeavesLineSchema, EndLineSchema,
]);

export type HeaderLine = z.infer<typeof HeaderLineSchema>;
export type DeviceLine = z.infer<typeof DeviceLineSchema>;
export type CheckpointLine = z.infer<typeof CheckpointLineSchema>;
export type EnvelopeHeader = z.infer<typeof EnvelopeHeaderSchema>;
export type EnvelopeLine = z.infer<typeof EnvelopeLineSchema>;
export type RecordLine = z.infer<typeof RecordLineSchema>;
export type LeavesLine = z.infer<typeof LeavesLineSchema>;
export type EndLine = z.infer<typeof EndLineSchema>;
export type ExportLine = z.infer<typeof ExportLineSchema>;
export type LineType = ExportLine["type"];
export const LINE_TYPES: readonly LineType[] = ["header", "device", "checkpoint", "envelope", "record", "leaves", "end"];
