// Bodies of the single-instant kinds (PROTOCOL §4): reading, event (+ its personal opening), erasure, access.
// All objects are closed; every limit is stated in the spec. Series bodies are in series.ts.
import { z } from "zod";
import { AddressSchema, Hex32Schema } from "./hex.ts";
import { NodeIdSchema } from "./nodeid.ts";
import { OpcValueV2Schema } from "./opc-value.ts";
import { optionalText, wellFormedString } from "./strings.ts";

export const StatusSchema = z.number().int().min(0).max(4294967295);
/** ms between a sample's time and its server timestamp; bounded by the ECMAScript time range so t + dt stays exact. */
export const MAX_SERVER_DT = 8_640_000_000_000_000;
export const ServerDtSchema = z.number().int().min(-MAX_SERVER_DT).max(MAX_SERVER_DT).nullable();

/** One sample at header.from. `serverDt` is omitted iff the server timestamp equals the sample's time. */
export const ReadingBodySchema = z.strictObject({
  nodeId: NodeIdSchema,
  unit: optionalText(64),
  value: OpcValueV2Schema,
  status: StatusSchema,
  serverDt: ServerDtSchema.refine((d) => d !== 0, "a zero serverDt is omitted").optional(),
});
export type ReadingBody = z.infer<typeof ReadingBodySchema>;

export const EVENT_TYPES = ["maintenance", "calibration", "alarm", "alarm_cleared", "inspection", "outage", "note"] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventTypeSchema>;
export const EventSourceSchema = z.strictObject({ system: wellFormedString(1, 128), ref: wellFormedString(1, 256) });

/** An event; `personal` commits to the PersonalOpening (actor, text) so those can be erased alone. */
export const EventBodySchema = z.strictObject({
  type: EventTypeSchema,
  asset: optionalText(256),
  workOrder: optionalText(128),
  source: EventSourceSchema.optional(),
  personal: Hex32Schema,
});
export type EventBody = z.infer<typeof EventBodySchema>;

/** The fields of an event that may hold personal data (GDPR art. 17). */
export const PersonalSchema = z.strictObject({ actor: optionalText(256), text: wellFormedString(0, 4096) });
export type Personal = z.infer<typeof PersonalSchema>;

export const ErasureScopeSchema = z.enum(["body", "personal"]);
/** An erasure record (stream @erasure, service key): which record's openings were deleted, and why. */
export const ErasureBodySchema = z.strictObject({
  target: Hex32Schema,
  targetDevice: AddressSchema,
  targetSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  scope: ErasureScopeSchema,
  reason: wellFormedString(1, 1024),
  requestedBy: wellFormedString(1, 128),
});
export type ErasureBody = z.infer<typeof ErasureBodySchema>;

const FilterValue = z.union([
  wellFormedString(0, 4096),
  z.number().refine((n) => Number.isFinite(n) && !Object.is(n, -0), "a finite number other than -0"),
  z.boolean(),
  z.null(),
]);
export const MAX_FILTER_KEYS = 64;
/** An access record (stream @access, service key): who read which route with which filter, and how many records. */
export const AccessBodySchema = z.strictObject({
  principal: wellFormedString(1, 128),
  route: wellFormedString(1, 256),
  filter: z.record(wellFormedString(1, 128), FilterValue).refine((f) => Object.keys(f).length <= MAX_FILTER_KEYS, `at most ${MAX_FILTER_KEYS} filter keys`),
  count: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type AccessBody = z.infer<typeof AccessBodySchema>;
