// Records as transmitted, stored and exported (PROTOCOL §3): a header plus openings. A full record carries
// the stream descriptor, the body and its salt (and, for events, the personal opening unless it was erased);
// a stub is the header alone, optionally with the stream descriptor.
import { z } from "zod";
import { canonicalBytes } from "./canonical.ts";
import {
  AccessBodySchema, ErasureBodySchema, EventBodySchema, PersonalSchema, ReadingBodySchema,
  type AccessBody, type ErasureBody, type EventBody, type Personal, type ReadingBody,
} from "./bodies.ts";
import { HeaderSchema, StreamDescriptorSchema, type Header, type Kind, type StreamDescriptor } from "./header.ts";
import { SeriesBodySchema, type SeriesBody } from "./series.ts";
import { dispatched, SaltSchema, type Salt } from "./strings.ts";

export const MAX_BODY_BYTES = 1_048_576;

export type BodyOf = { reading: ReadingBody; series: SeriesBody; event: EventBody; erasure: ErasureBody; access: AccessBody };
export type Body = BodyOf[Kind];
export const BODY_SCHEMAS: { [K in Kind]: z.ZodType<BodyOf[K]> } = {
  reading: ReadingBodySchema, series: SeriesBodySchema as z.ZodType<SeriesBody>, event: EventBodySchema,
  erasure: ErasureBodySchema, access: AccessBodySchema,
};

/** A record with its body opening. `personal` + `personalSalt` only on events, both or neither (absent = erased). */
export type FullRecord = { header: Header; stream: StreamDescriptor; salt: Salt; body: Body; personal?: Personal; personalSalt?: Salt };
export type Stub = { header: Header; stream?: StreamDescriptor };
export type RecordOrStub = FullRecord | Stub;

export const isFull = (r: RecordOrStub): r is FullRecord => "body" in r;

export const RecordSchema = z.strictObject({
  header: HeaderSchema,
  stream: StreamDescriptorSchema,
  salt: SaltSchema,
  body: z.unknown(),
  personal: PersonalSchema.optional(),
  personalSalt: SaltSchema.optional(),
}).superRefine((r, ctx) => {
  const parsed = BODY_SCHEMAS[r.header.kind].safeParse(r.body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ["body", ...issue.path] } as never);
    return;
  }
  // Only a schema-valid body reaches canonicalization (it holds no lone surrogate, no NaN).
  const bytes = canonicalBytes(r.body).length;
  if (bytes > MAX_BODY_BYTES) ctx.addIssue({ code: "custom", path: ["body"], message: `body JCS is ${bytes} bytes, at most ${MAX_BODY_BYTES}`, input: bytes });
  const isEvent = r.header.kind === "event";
  for (const key of ["personal", "personalSalt"] as const) {
    if (r[key] !== undefined && !isEvent) ctx.addIssue({ code: "custom", path: [key], message: `only events carry ${key}`, input: r[key] });
  }
  if (isEvent && (r.personal === undefined) !== (r.personalSalt === undefined)) {
    const missing = r.personal === undefined ? "personal" : "personalSalt";
    ctx.addIssue({ code: "custom", path: [missing], message: "personal and personalSalt are present together or erased together", input: undefined });
  }
}) as unknown as z.ZodType<FullRecord>;

export const StubSchema: z.ZodType<Stub> = z.strictObject({ header: HeaderSchema, stream: StreamDescriptorSchema.optional() });

const OPENING_KEYS = ["salt", "body", "personal", "personalSalt"];
/** A full record when any opening key is present (so a lone `salt` is reported as a missing body), else a stub. */
export const RecordOrStubSchema: z.ZodType<RecordOrStub> = dispatched((x) =>
  x !== null && typeof x === "object" && OPENING_KEYS.some((k) => k in x) ? RecordSchema : StubSchema);
