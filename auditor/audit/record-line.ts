// One record line: its header validated and hashed exactly as received, compared with the stored hash, and its
// openings checked against the header (core checkRecord). Runs on the main thread or on a worker
// (audit-worker.ts), so it returns plain data instead of touching shared state.
import {
  checkRecord, HeaderSchema, KINDS, RecordError, toHex32, type CheckedRecord, type ErasureBody, type Header,
  type Kind,
} from "../../core/index.ts";
import { RecordLineSchema } from "../format/lines.ts";
import type { Finding, FindingCode } from "./findings.ts";
import { recordHashOf } from "./record-hash.ts";
import { readingPoints, type ReadingPoint } from "./reading-points.ts";

export type { ReadingPoint } from "./reading-points.ts";

/** What a record's openings showed: PROTOCOL §3's three stored forms, or openings that do not open the header. */
export const ENTRY_OPENINGS = ["full", "personal_erased", "stub", "invalid"] as const;
export type EntryOpenings = (typeof ENTRY_OPENINGS)[number];

/**
 * What the audit keeps of one record: its place, both chain links and its recomputed hash (never the stored one).
 * Strings repeated across records (stream ids and names) are interned by collect, so a stream costs one copy.
 */
export type RecordEntry = {
  index: number;
  hash: Buffer;
  device: string;
  seq: number;
  prev: string | null;
  stream: string;
  streamSeq: number;
  streamPrev: string | null;
  /** header.from / header.to, ms since epoch (the stream's time order). */
  from: number;
  to: number;
  kind: Kind;
  openings: EntryOpenings;
  /** The stream's name when the record carries a descriptor that opens header.stream, else null. */
  streamName: string | null;
  envelope: string;
  /** When the service committed it (ms since epoch), else the record's own ts. */
  receivedAt: number;
};

/** An erasure record's claim (its body, which opened its header): the evidence for a target's missing openings. */
export type ErasureClaim = {
  index: number; hash: string; signer: string;
  target: string; targetDevice: string; targetSeq: number; scope: ErasureBody["scope"]; reason: string; requestedBy: string;
};

export type RecordOutcome = { entry: RecordEntry | null; findings: Finding[]; readings: ReadingPoint[] | null; erasure: ErasureClaim | null };

const malformed = (message: string, lineNo: number, at: Partial<Finding> = {}): RecordOutcome =>
  ({ entry: null, readings: null, erasure: null, findings: [{ code: "EXPORT_MALFORMED", message, line: lineNo, ...at }] });

/** core RecordError codes as audit findings; the core code stays in the evidence for the rarer ones. */
const OPENING_FINDING: Record<RecordError["code"], FindingCode> = {
  body_commitment_mismatch: "BODY_COMMITMENT_MISMATCH",
  personal_commitment_mismatch: "PERSONAL_COMMITMENT_MISMATCH",
  stream_id_mismatch: "STREAM_ID_MISMATCH",
  stream_kind_mismatch: "RECORD_OPENING_INVALID",
  series_time_mismatch: "RECORD_OPENING_INVALID",
  schema_invalid: "RECORD_OPENING_INVALID",
};

/** Literal constants instead of the parsed strings, so a kind costs nothing per record. */
const kindOf = (k: string): Kind => KINDS.find((x) => x === k)!;
const ms = (t: string) => Date.parse(t);

export function processRecordValue(value: unknown, where: string, lineNo: number, keepReadings: boolean): RecordOutcome {
  const parsed = RecordLineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return malformed(`${where}: record line: ${issue?.path.join(".")}: ${issue?.message}`, lineNo);
  }
  const line = parsed.data;
  // checkRecord parses the record (header closed and strict) and hashes its header; when it passes, its header
  // and hash are the received ones (the schema transforms nothing), so nothing is parsed or hashed twice.
  let checked: CheckedRecord | null = null;
  let opening: RecordError | null = null;
  try {
    checked = checkRecord(line.record);
  } catch (err) {
    // Anything else checkRecord throws is a value core cannot judge: still a record whose openings fail, not a crash.
    opening = err instanceof RecordError ? err : new RecordError("schema_invalid", String(err), []);
  }
  let h: Header, hash: Buffer;
  if (checked !== null) {
    h = checked.header;
    hash = Buffer.from(checked.hash.slice(2), "hex");
  } else {
    // The header alone is hashed (PROTOCOL §6); it is closed, so one that fails its schema cannot be placed in
    // either chain and the line is malformed. One that parses keeps its place in both chains though its openings fail.
    const header = HeaderSchema.safeParse(line.record.header);
    if (!header.success) {
      const issue = header.error.issues[0];
      return malformed(`${where}: record at leaf ${line.index}: header.${issue?.path.join(".")}: ${issue?.message}`, lineNo, { index: line.index });
    }
    h = header.data;
    hash = recordHashOf(line.record.header);
  }
  const findings: Finding[] = [];
  const at = { device: h.device, seq: h.seq, index: line.index };
  if (toHex32(hash) !== line.hash) {
    findings.push({ code: "RECORD_HASH_MISMATCH", message: `record at leaf ${line.index} (${h.device} seq ${h.seq}) does not hash to its stored hash`,
      ...at, expected: line.hash, computed: toHex32(hash) });
  }
  if (opening !== null) {
    findings.push({ code: OPENING_FINDING[opening.code], message: `record at leaf ${line.index} (${h.device} seq ${h.seq}): ${opening.code} at ${opening.path.join(".")}: ${opening.message}`,
      ...at, expected: opening.expected ?? opening.code, computed: opening.computed ?? opening.path.join(".") });
  }
  const received = Date.parse(line.receivedAt ?? h.ts);
  const entry: RecordEntry = {
    index: line.index, hash, device: h.device, seq: h.seq, prev: h.prev, stream: h.stream, streamSeq: h.streamSeq, streamPrev: h.streamPrev,
    from: ms(h.from), to: ms(h.to), kind: kindOf(h.kind), openings: checked?.openings ?? "invalid", streamName: checked?.stream?.name ?? null,
    envelope: line.envelope, receivedAt: Number.isNaN(received) ? 0 : received,
  };
  let erasure: ErasureClaim | null = null;
  if (checked !== null && checked.openings === "full" && h.kind === "erasure") {
    const b = (checked.record as { body: ErasureBody }).body;
    erasure = { index: line.index, hash: toHex32(hash), signer: h.device, target: b.target, targetDevice: b.targetDevice, targetSeq: b.targetSeq, scope: b.scope, reason: b.reason, requestedBy: b.requestedBy };
  }
  const readings = keepReadings && checked !== null && checked.openings !== "stub" ? readingPoints(checked) : null;
  return { entry, findings, readings: readings && readings.length > 0 ? readings : null, erasure };
}

export function processRecordText(text: string, where: string, lineNo: number, keepReadings: boolean): RecordOutcome {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return malformed(`${where}: not JSON: ${(err as Error).message}`, lineNo);
  }
  return processRecordValue(value, where, lineNo, keepReadings);
}
