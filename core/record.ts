// Records: the unit a device signs and the log stores. The zod schemas are the single source of the types.
import { z } from "zod";
import { AddressSchema, Hex32Schema } from "./hex.ts";
import { OpcValueSchema } from "./opc-value.ts";
import { textSchema } from "./text.ts";
import { TimestampSchema } from "./time.ts";

const text = (max: number) => textSchema(0, max);
const optionalText = (max: number) => textSchema(1, max).nullable();

/** One sampled OPC UA value. `status` is the OPC UA StatusCode (uint32, 0 = Good). */
export const ReadingBodySchema = z.strictObject({
  tag: textSchema(1, 256),
  nodeId: textSchema(1, 4096),
  value: OpcValueSchema,
  unit: optionalText(64),
  status: z.number().int().min(0).max(4294967295),
  sourceTs: TimestampSchema.nullable(),
  serverTs: TimestampSchema.nullable(),
});
export type ReadingBody = z.infer<typeof ReadingBodySchema>;

export const EVENT_TYPES = ["maintenance", "calibration", "alarm", "alarm_cleared", "inspection", "outage", "note"] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventTypeSchema>;

/** Where an event came from outside the device, e.g. a CMMS ticket: `{ system: "sap-pm", ref: "WO-4711" }`. */
export const EventSourceSchema = z.strictObject({ system: textSchema(1, 128), ref: textSchema(1, 256) });

/** A maintenance or process event. `source` is omitted (not null) when absent. */
export const EventBodySchema = z.strictObject({
  type: EventTypeSchema,
  asset: optionalText(256),
  workOrder: optionalText(128),
  actor: optionalText(256),
  text: text(4096),
  source: EventSourceSchema.optional(),
});
export type EventBody = z.infer<typeof EventBodySchema>;

const recordBase = {
  v: z.literal(1),
  device: AddressSchema,
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  prev: Hex32Schema.nullable(),
  ts: TimestampSchema,
};

/** A record. Unknown keys are rejected (never stripped): the hash covers exactly what was signed. */
export const RecordSchema = z.discriminatedUnion("kind", [
  z.strictObject({ ...recordBase, kind: z.literal("reading"), body: ReadingBodySchema }),
  z.strictObject({ ...recordBase, kind: z.literal("event"), body: EventBodySchema }),
]).superRefine((r, ctx) => {
  if ((r.seq === 1) !== (r.prev === null)) {
    ctx.addIssue({ code: "custom", path: ["prev"], message: "prev is null exactly when seq is 1" });
  }
});
export type Record = z.infer<typeof RecordSchema>;
/** Alias of Record for modules that also use the built-in Record<K, V> utility type. */
export type LedgerRecord = Record;
export type ReadingRecord = Extract<Record, { kind: "reading" }>;
export type EventRecord = Extract<Record, { kind: "event" }>;
