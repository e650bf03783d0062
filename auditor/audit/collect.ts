// Pass 1 of an audit: read the export stream once, validate each line, hash each record, keep what later checks need.
import { toHex32 } from "../../core/index.ts";
import { recordHashOf } from "./record-hash.ts";
import type { RawLine } from "../format/ndjson.ts";
import {
  ExportLineSchema, type CheckpointLine, type DeviceLine, type EndLine, type EnvelopeLine, type HeaderLine, type LineType,
} from "../format/lines.ts";
import type { FindingLog } from "./findings.ts";

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

export type Collected = {
  header: HeaderLine | null;
  devices: Map<string, DeviceLine>;
  checkpoints: CheckpointLine[];
  envelopes: Map<string, EnvelopeLine>;
  records: RecordEntry[];
  /** Leaf hashes as sent, n × 32 bytes, leaf i at [32i, 32i+32). */
  leaves: Buffer;
  leafCount: number;
  end: EndLine | null;
  counts: { [K in LineType]: number };
  readings: ReadingPoint[];
};

export type CollectOptions = {
  keepReadings?: boolean;
  onHeader?: (header: HeaderLine) => void;
  /** Each envelope as it arrives (after the header), so signatures can be checked while the stream is read. */
  onEnvelope?: (envelope: EnvelopeLine, header: HeaderLine) => void;
  onRecord?: (count: number) => void;
};

const leafBuffer = (capacity: number) => Buffer.allocUnsafe(Math.max(capacity, 1024) * 32);

function numericReading(record: Record<string, unknown>): { tag: string; value: number } | null {
  if (record.kind !== "reading") return null;
  const body = record.body as { tag?: unknown; value?: { v?: unknown } } | undefined;
  const v = body?.value?.v;
  return typeof body?.tag === "string" && typeof v === "number" && Number.isFinite(v) ? { tag: body.tag, value: v } : null;
}

/** Consumes the stream. Malformed lines and stored hashes that differ from the recomputed ones become findings. */
export async function collect(
  lines: AsyncIterable<RawLine>,
  findings: FindingLog,
  opts: CollectOptions = {},
): Promise<Collected> {
  const c: Collected = {
    header: null, devices: new Map(), checkpoints: [], envelopes: new Map(), records: [], leaves: leafBuffer(0), leafCount: 0,
    end: null, counts: { header: 0, device: 0, checkpoint: 0, envelope: 0, record: 0, leaves: 0, end: 0 }, readings: [],
  };
  for await (const raw of lines) {
    const where = `${raw.source}:${raw.line}`;
    if ("error" in raw) {
      findings.add({ code: "EXPORT_MALFORMED", message: `${where}: ${raw.error}`, line: raw.line });
      continue;
    }
    const type = (raw.value as { type?: unknown } | null)?.type;
    if (typeof type !== "string" || !(type in c.counts)) continue; // unknown line types are ignored (forward compatible)
    const parsed = ExportLineSchema.safeParse(raw.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      findings.add({ code: "EXPORT_MALFORMED", message: `${where}: ${type} line: ${issue?.path.join(".")}: ${issue?.message}`, line: raw.line });
      continue;
    }
    const line = parsed.data;
    c.counts[line.type]++;
    switch (line.type) {
      case "header":
        if (c.header) findings.add({ code: "EXPORT_MALFORMED", message: `${where}: a second header line`, line: raw.line });
        else {
          c.header = line;
          opts.onHeader?.(line);
        }
        break;
      case "device": c.devices.set(line.address, line); break;
      case "checkpoint": c.checkpoints.push(line); break;
      case "envelope":
        if (c.envelopes.has(line.id)) findings.add({ code: "EXPORT_MALFORMED", message: `${where}: envelope id ${line.id} sent twice`, envelope: line.id, line: raw.line });
        else {
          c.envelopes.set(line.id, line);
          if (c.header) opts.onEnvelope?.(line, c.header);
        }
        break;
      case "record": {
        // Hash the record exactly as received (not zod's output copy): the hash is what the device signed.
        const received = (raw.value as { record: unknown }).record;
        const r = line.record;
        let hash: Buffer;
        try {
          hash = recordHashOf(received);
        } catch (err) {
          findings.add({ code: "EXPORT_MALFORMED", message: `${where}: record ${r.device} seq ${r.seq} has no canonical form: ${(err as Error).message}`, device: r.device, seq: r.seq, index: line.index, line: raw.line });
          break;
        }
        if (toHex32(hash) !== line.hash) {
          findings.add({ code: "RECORD_HASH_MISMATCH", message: `record at leaf ${line.index} (${r.device} seq ${r.seq}) does not hash to its stored hash`,
            device: r.device, seq: r.seq, index: line.index, expected: line.hash, computed: toHex32(hash) });
        }
        const at = Date.parse(line.receivedAt ?? r.ts);
        c.records.push({ index: line.index, hash, device: r.device, seq: r.seq, prev: r.prev, envelope: line.envelope, receivedAt: Number.isNaN(at) ? 0 : at });
        if (opts.keepReadings) {
          const reading = numericReading(received as unknown as Record<string, unknown>);
          if (reading) c.readings.push({ device: r.device, tag: reading.tag, t: Date.parse(r.ts), value: reading.value });
        }
        opts.onRecord?.(c.records.length);
        break;
      }
      case "leaves": {
        if (line.start !== c.leafCount) {
          findings.add({ code: "EXPORT_MALFORMED", message: `${where}: leaves chunk starts at ${line.start}, expected ${c.leafCount}`, line: raw.line, expected: c.leafCount, computed: line.start });
          break;
        }
        const need = (c.leafCount + line.hashes.length) * 32;
        if (need > c.leaves.length) {
          const grown = leafBuffer(Math.max(need / 32, (c.leaves.length / 32) * 2));
          c.leaves.copy(grown, 0, 0, c.leafCount * 32);
          c.leaves = grown;
        }
        for (const h of line.hashes) c.leaves.write(h.slice(2), 32 * c.leafCount++, 32, "hex");
        break;
      }
      case "end": c.end = line; break;
    }
  }
  c.leaves = c.leaves.subarray(0, c.leafCount * 32);
  return c;
}
