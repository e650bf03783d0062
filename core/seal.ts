// Building records and the stored forms after erasure (PROTOCOL §3, §7). The caller brings the salts
// (16 CSPRNG bytes each): core computes the commitments and the stream id, and checks the result.
import type { z } from "zod";
import { AddressSchema } from "./hex.ts";
import { PersonalSchema, type EventBody, type Personal } from "./bodies.ts";
import { bodyCommitment, personalCommitment, streamId } from "./commit.ts";
import { RecordError, type Path } from "./errors.ts";
import { StreamDescriptorSchema, type Header, type StreamDescriptor } from "./header.ts";
import { BODY_SCHEMAS, type Body, type FullRecord, type Stub } from "./record.ts";
import { checkRecord } from "./record-check.ts";
import { SaltSchema, type Salt } from "./strings.ts";

export type SealInput = {
  /** Every header field but v, stream and body, which sealRecord fills in. */
  header: Omit<Header, "v" | "stream" | "body">;
  stream: StreamDescriptor;
  salt: Salt;
  /** For an event, `personal` (the commitment) is computed from the personal opening and may be left out. */
  body: Body | Omit<EventBody, "personal">;
  personal?: Personal;
  personalSalt?: Salt;
};

function valid<T>(schema: z.ZodType<T>, value: unknown, path: Path): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = [...path, ...(issue.path as Path)];
  throw new RecordError("schema_invalid", `${at.join(".")}: ${issue.message}`, at);
}

/** A full record: computes header.stream, body.personal (events) and header.body; throws RecordError. */
export function sealRecord(input: SealInput): FullRecord {
  const { kind, device } = input.header;
  valid(AddressSchema, device, ["header", "device"]);
  const stream = valid(StreamDescriptorSchema, input.stream, ["stream"]);
  const salt = valid(SaltSchema, input.salt, ["salt"]);
  let body: unknown = input.body;
  const extra: Pick<FullRecord, "personal" | "personalSalt"> = {};
  if (kind === "event") {
    const personal = valid(PersonalSchema, input.personal, ["personal"]);
    const personalSalt = valid(SaltSchema, input.personalSalt, ["personalSalt"]);
    body = { ...(input.body as object), personal: personalCommitment(personalSalt, personal) };
    Object.assign(extra, { personal, personalSalt });
  }
  // The body is schema-valid before it is canonicalized for its commitment.
  const checked = valid(BODY_SCHEMAS[kind] as z.ZodType<Body>, body, ["body"]);
  const header = { v: 2 as const, ...input.header, stream: streamId(device, stream.salt, stream.name), body: bodyCommitment(salt, checked) };
  const record: FullRecord = { header, stream, salt, body: checked, ...extra };
  checkRecord(record);
  return record;
}

/** The header alone; with `withStream` also the stream descriptor (which names the tag or asset). */
export function stubOf(record: FullRecord | Stub, opts: { withStream?: boolean } = {}): Stub {
  return opts.withStream && record.stream !== undefined ? { header: record.header, stream: record.stream } : { header: record.header };
}

/** Stored form after an erasure of scope "body": salt, body and any personal opening deleted; header and stream stay. */
export function eraseBody(record: FullRecord): Stub {
  return { header: record.header, stream: record.stream };
}

/** Stored form after an erasure of scope "personal": the event's personal opening deleted, the rest still opens. */
export function erasePersonal(record: FullRecord): FullRecord {
  if (record.header.kind !== "event") throw new RecordError("schema_invalid", `a ${record.header.kind} has no personal opening`, ["personal"]);
  const { personal: _p, personalSalt: _s, ...rest } = record;
  return rest;
}
