// One line of the otledger.export/2 NDJSON stream (docs/AUDIT-FORMAT.md), for the OpenAPI document of GET /v1/export.
// The stream is written line by line (export-stream.ts), not serialised through this schema; test/api/export.test.ts
// parses a real export with it so the document cannot drift from what is sent.
import { z } from "zod";
import { RegistrySchema } from "./device-status.ts";
import { InstantOut } from "./schemas-common.ts";
import { StoredRecordSchema } from "./schemas-records.ts";

const Hex = z.string().regex(/^0x[0-9a-f]*$/);
const Header = z.object({ device: z.string(), firstSeq: z.number(), count: z.number(), recordsRoot: Hex, lastHash: Hex });
const Log = z.object({ address: z.string(), topics: z.array(Hex), data: Hex, logIndex: z.number() });

export const ExportLineSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("header"), format: z.literal("otledger.export/2"), protocolVersion: z.literal("2"), chainId: z.number(), contract: z.string(),
    range: z.object({ fromIndex: z.number(), toIndex: z.number(), from: z.string().nullable(), to: z.string().nullable(), devices: z.array(z.string()).nullable() }),
    scope: z.enum(["full", "partial"]), treeSize: z.number(), registryBlock: z.number(), generatedAt: InstantOut,
  }),
  z.object({ type: z.literal("device"), address: z.string(), label: z.string().optional() }).extend(RegistrySchema.shape),
  z.object({
    type: z.literal("checkpoint"), index: z.number(), treeSize: z.number(), root: Hex, txHash: Hex, blockNumber: z.number(), anchoredAt: InstantOut,
    tx: z.object({ input: Hex }).optional().describe("with receipts=true"),
    receipt: z.object({ status: z.number(), blockHash: Hex, blockNumber: z.number(), logs: z.array(Log) }).optional().describe("with receipts=true"),
  }),
  z.object({ type: z.literal("envelope"), id: z.string(), receivedAt: InstantOut, signature: Hex, header: Header }),
  z.object({
    type: z.literal("record"), index: z.number(), hash: Hex, envelope: z.string(), receivedAt: InstantOut,
    record: StoredRecordSchema,
  }),
  z.object({ type: z.literal("leaves"), start: z.number(), hashes: z.array(Hex) }),
  z.object({ type: z.literal("end"), counts: z.object({ device: z.number(), checkpoint: z.number(), envelope: z.number(), record: z.number(), leaves: z.number() }) }),
]).describe("one line of the NDJSON stream: header first, then device, checkpoint, envelope/record, leaves lines, end last");
