// The v2 record header (PROTOCOL §3.1): the only hashed part of a record. It commits to the body by a salted
// commitment and to the stream by an opaque id, so a header alone (a stub) reveals neither.
import { z } from "zod";
import { AddressSchema, Hex32Schema } from "./hex.ts";
import { TimestampSchema } from "./time.ts";
import { SaltSchema, wellFormedString } from "./strings.ts";

export const KINDS = ["reading", "series", "event", "erasure", "access"] as const;
export const KindSchema = z.enum(KINDS);
export type Kind = z.infer<typeof KindSchema>;

const position = () => z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const HeaderSchema = z.strictObject({
  v: z.literal(2),
  device: AddressSchema,
  seq: position(),
  prev: Hex32Schema.nullable(),
  stream: Hex32Schema,
  streamSeq: position(),
  streamPrev: Hex32Schema.nullable(),
  kind: KindSchema,
  from: TimestampSchema,
  to: TimestampSchema,
  ts: TimestampSchema,
  body: Hex32Schema,
}).superRefine((h, ctx) => {
  if ((h.seq === 1) !== (h.prev === null)) ctx.addIssue({ code: "custom", path: ["prev"], message: "prev is null exactly when seq is 1", input: h.prev });
  if ((h.streamSeq === 1) !== (h.streamPrev === null)) ctx.addIssue({ code: "custom", path: ["streamPrev"], message: "streamPrev is null exactly when streamSeq is 1", input: h.streamPrev });
  // Canonical timestamps compare as strings in time order (same width, same zone).
  if (h.kind === "series" ? h.to < h.from : h.to !== h.from) {
    ctx.addIssue({ code: "custom", path: ["to"], message: h.kind === "series" ? "to is before from" : `a ${h.kind} covers one instant: to equals from`, input: h.to });
  }
});
export type Header = z.infer<typeof HeaderSchema>;

/** Reserved stream names; tag names (reading, series) never start with "@". */
export const EVENTS_STREAM = "@events", ERASURE_STREAM = "@erasure", ACCESS_STREAM = "@access";
export const MAX_TAG = 256, MAX_ASSET = 256;

/** A tag name (1–256, not starting with "@") or a reserved name: "@events", "@events/<asset>", "@erasure", "@access". */
export const StreamNameSchema = wellFormedString(1, EVENTS_STREAM.length + 1 + MAX_ASSET).refine(
  (n) => !n.startsWith("@") ? n.length <= MAX_TAG : n === EVENTS_STREAM || n === ERASURE_STREAM || n === ACCESS_STREAM || (n.startsWith(`${EVENTS_STREAM}/`) && n.length > EVENTS_STREAM.length + 1),
  "expected a tag name (1–256, not starting with @), @events, @events/<asset>, @erasure or @access",
);

/** The opening of header.stream: the stream's name and the 16-byte salt its device chose when the stream began. */
export const StreamDescriptorSchema = z.strictObject({ name: StreamNameSchema, salt: SaltSchema });
export type StreamDescriptor = z.infer<typeof StreamDescriptorSchema>;

/** Whether a stream name fits a kind, judged from the name alone (a stub's descriptor); the asset is checked with the body. */
export function streamNameFitsKind(name: string, kind: Kind): boolean {
  switch (kind) {
    case "reading": case "series": return !name.startsWith("@");
    case "event": return name === EVENTS_STREAM || name.startsWith(`${EVENTS_STREAM}/`);
    case "erasure": return name === ERASURE_STREAM;
    case "access": return name === ACCESS_STREAM;
  }
}
