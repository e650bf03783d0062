// One record line: validated, its record hashed exactly as received, compared with the stored hash. Runs on the
// main thread or on a worker (audit-worker.ts), so it returns plain data instead of touching shared state.
import { toHex32 } from "../../core/index.ts";
import { RecordLineSchema } from "../format/lines.ts";
import type { Finding } from "./findings.ts";
import { recordHashOf } from "./record-hash.ts";

/** What the audit keeps of one record: its place, its chain links and its recomputed hash (never the stored one). */
export type RecordEntry = {
  index: number;
  hash: Buffer;
  device: string;
  seq: number;
  prev: string | null;
  envelope: string;
  /** When the service committed it (ms since epoch), else the record's own ts. */
  receivedAt: number;
};

/** A numeric reading, kept only for the HTML report's plots. */
export type ReadingPoint = { device: string; tag: string; t: number; value: number };

export type RecordOutcome = { entry: RecordEntry | null; findings: Finding[]; reading: ReadingPoint | null };

function numericReading(record: { kind?: unknown; body?: unknown }): { tag: string; value: number } | null {
  if (record.kind !== "reading") return null;
  const body = record.body as { tag?: unknown; value?: { v?: unknown } } | undefined;
  const v = body?.value?.v;
  return typeof body?.tag === "string" && typeof v === "number" && Number.isFinite(v) ? { tag: body.tag, value: v } : null;
}

export function processRecordValue(value: unknown, where: string, lineNo: number, keepReadings: boolean): RecordOutcome {
  const parsed = RecordLineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { entry: null, reading: null, findings: [{ code: "EXPORT_MALFORMED", message: `${where}: record line: ${issue?.path.join(".")}: ${issue?.message}`, line: lineNo }] };
  }
  const line = parsed.data;
  const r = line.record;
  // Hash the record exactly as received (not zod's output copy): the hash is what the device signed.
  const received = (value as { record: { kind?: unknown; body?: unknown } }).record;
  let hash: Buffer;
  try {
    hash = recordHashOf(received);
  } catch (err) {
    return { entry: null, reading: null, findings: [{ code: "EXPORT_MALFORMED", message: `${where}: record ${r.device} seq ${r.seq} has no canonical form: ${(err as Error).message}`, device: r.device, seq: r.seq, index: line.index, line: lineNo }] };
  }
  const findings: Finding[] = [];
  if (toHex32(hash) !== line.hash) {
    findings.push({ code: "RECORD_HASH_MISMATCH", message: `record at leaf ${line.index} (${r.device} seq ${r.seq}) does not hash to its stored hash`,
      device: r.device, seq: r.seq, index: line.index, expected: line.hash, computed: toHex32(hash) });
  }
  const at = Date.parse(line.receivedAt ?? r.ts);
  const entry: RecordEntry = { index: line.index, hash, device: r.device, seq: r.seq, prev: r.prev, envelope: line.envelope, receivedAt: Number.isNaN(at) ? 0 : at };
  const reading = keepReadings ? numericReading(received) : null;
  return { entry, findings, reading: reading && { device: r.device, tag: reading.tag, t: Date.parse(r.ts), value: reading.value } };
}

export function processRecordText(text: string, where: string, lineNo: number, keepReadings: boolean): RecordOutcome {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { entry: null, reading: null, findings: [{ code: "EXPORT_MALFORMED", message: `${where}: not JSON: ${(err as Error).message}`, line: lineNo }] };
  }
  return processRecordValue(value, where, lineNo, keepReadings);
}
