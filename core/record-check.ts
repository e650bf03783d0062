// checkRecord: parses a record or stub and checks every opening it carries against its header
// (PROTOCOL §3.4). The first violation is thrown as a RecordError naming the field and keeping the evidence.
import type { Hex32 } from "./hex.ts";
import { bodyCommitment, headerCanonical, personalCommitment, recordHash, streamId } from "./commit.ts";
import { EVENTS_STREAM, streamNameFitsKind, type Header, type StreamDescriptor } from "./header.ts";
import { RecordError } from "./errors.ts";
import { isFull, RecordOrStubSchema, type FullRecord, type RecordOrStub } from "./record.ts";
import { seriesTimeProblem, type SeriesBody } from "./series.ts";
import type { EventBody } from "./bodies.ts";

/** What a reader can open: everything, everything but the personal fields of an event, or the header only. */
export type Openings = "full" | "personal_erased" | "stub";

export type CheckedRecord = {
  hash: Hex32;
  /** RFC 8785 text of the header: exactly what was hashed (storage keeps it without recomputing it). */
  canonical: string;
  openings: Openings;
  header: Header;
  /** The stream descriptor when the record or stub carries it (its id then checked). */
  stream: StreamDescriptor | null;
  record: RecordOrStub;
};

/** Parses `input` as a record or stub and checks its openings; throws RecordError. */
export function checkRecord(input: unknown): CheckedRecord {
  const parsed = RecordOrStubSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RecordError("schema_invalid", `${issue.path.join(".") || "(root)"}: ${issue.message}`, issue.path as (string | number)[]);
  }
  const record = parsed.data, header = record.header;
  const stream = record.stream ?? null;
  if (stream !== null) checkStream(header, stream);
  let openings: Openings = "stub";
  if (isFull(record)) openings = checkOpenings(record);
  return { hash: recordHash(header), canonical: headerCanonical(header), openings, header, stream, record };
}

function checkStream(header: Header, stream: StreamDescriptor): void {
  if (!streamNameFitsKind(stream.name, header.kind)) {
    throw new RecordError("stream_kind_mismatch", `stream ${JSON.stringify(stream.name)} cannot hold ${header.kind} records`, ["stream", "name"], { computed: stream.name });
  }
  const id = streamId(header.device, stream.salt, stream.name);
  if (id !== header.stream) {
    throw new RecordError("stream_id_mismatch", "header.stream is not the id of (device, stream.salt, stream.name)", ["header", "stream"], { expected: id, computed: header.stream });
  }
}

function checkOpenings(r: FullRecord): Openings {
  const { header } = r;
  const body = bodyCommitment(r.salt, r.body);
  if (body !== header.body) {
    throw new RecordError("body_commitment_mismatch", "header.body is not the commitment to (salt, body)", ["header", "body"], { expected: body, computed: header.body });
  }
  if (header.kind === "series") {
    const problem = seriesTimeProblem(header, r.body as SeriesBody);
    if (problem !== null) throw new RecordError("series_time_mismatch", "header.to is not header.from + Σ dt (the last sample's time)", ["header", "to"], problem);
  }
  if (header.kind !== "event") return "full";
  const event = r.body as EventBody;
  const name = event.asset === null ? EVENTS_STREAM : `${EVENTS_STREAM}/${event.asset}`;
  if (r.stream.name !== name) {
    throw new RecordError("stream_kind_mismatch", "an event's stream is @events/<asset>, or @events without an asset", ["stream", "name"], { expected: name, computed: r.stream.name });
  }
  if (r.personal === undefined || r.personalSalt === undefined) return "personal_erased";
  const personal = personalCommitment(r.personalSalt, r.personal);
  if (personal !== event.personal) {
    throw new RecordError("personal_commitment_mismatch", "body.personal is not the commitment to (personalSalt, personal)", ["body", "personal"], { expected: personal, computed: event.personal });
  }
  return "full";
}
