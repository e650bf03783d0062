// Pass 1 of an audit: read the export stream once, validate each line, hash each record, keep what later checks need.
import type { RawLine } from "../format/ndjson.ts";
import {
  ExportLineSchema, type CheckpointLine, type DeviceLine, type EndLine, type EnvelopeLine, type HeaderLine, type LineType,
} from "../format/lines.ts";
import type { FindingLog } from "./findings.ts";
import { unpackOutcomes } from "./record-batch.ts";
import { processRecordText, processRecordValue, type ErasureClaim, type ReadingPoint, type RecordEntry, type RecordOutcome } from "./record-line.ts";
import type { WorkerPool } from "./worker-pool.ts";

export type { ErasureClaim, ReadingPoint, RecordEntry } from "./record-line.ts";

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
  /** Every erasure record whose body opened its header (few: one per erased record). */
  erasures: ErasureClaim[];
};

export type CollectOptions = {
  keepReadings?: boolean;
  onHeader?: (header: HeaderLine) => void;
  /** Each envelope as it arrives (after the header), so signatures can be checked while the stream is read. */
  onEnvelope?: (envelope: EnvelopeLine, header: HeaderLine) => void;
  onRecord?: (count: number) => void;
  /** Record lines are parsed and hashed on these workers once `startWorkersAfter` record lines have been seen. */
  pool?: WorkerPool;
  startWorkersAfter?: number;
};

const RECORD_BATCH = 512;
export const RECORD_WORKER_THRESHOLD = 5000;

const leafBuffer = (capacity: number) => Buffer.allocUnsafe(Math.max(capacity, 1024) * 32);

/** Consumes the stream. Malformed lines and stored hashes that differ from the recomputed ones become findings. */
export async function collect(
  lines: AsyncIterable<RawLine>,
  findings: FindingLog,
  opts: CollectOptions = {},
): Promise<Collected> {
  const c: Collected = {
    header: null, devices: new Map(), checkpoints: [], envelopes: new Map(), records: [], leaves: leafBuffer(0), leafCount: 0,
    end: null, counts: { header: 0, device: 0, checkpoint: 0, envelope: 0, record: 0, leaves: 0, end: 0 }, readings: [], erasures: [],
  };
  // A stream's id and name repeat on each of its records: one string per stream instead of one per record.
  const interned = new Map<string, string>();
  const intern = (s: string) => {
    const known = interned.get(s);
    if (known !== undefined) return known;
    interned.set(s, s);
    return s;
  };
  const apply = (o: RecordOutcome) => {
    for (const f of o.findings) findings.add(f);
    if (o.erasure) c.erasures.push(o.erasure);
    if (!o.entry) return;
    const e = o.entry;
    e.stream = intern(e.stream);
    if (e.streamName !== null) e.streamName = intern(e.streamName);
    c.counts.record++;
    c.records.push(e);
    if (o.readings) for (const r of o.readings) c.readings.push(r);
    opts.onRecord?.(c.records.length);
  };
  const keepReadings = opts.keepReadings ?? false;
  const pool = opts.pool;
  const startAfter = opts.startWorkersAfter ?? RECORD_WORKER_THRESHOLD;
  let seenRecordLines = 0;
  let batch: [string, number, string][] = [];
  const inFlight = new Set<Promise<void>>();
  const inline = (items: [string, number, string][]) => {
    for (const [source, line, text] of items) apply(processRecordText(text, `${source}:${line}`, line, keepReadings));
  };
  const flushRecords = () => {
    const items = batch;
    batch = [];
    // While the workers have enough queued, the main thread takes a batch itself: it balances the load and
    // bounds what is read ahead.
    if (!pool?.started || inFlight.size >= pool.threads * 4) return inline(items);
    const run: Promise<void> = pool.run({ kind: "records", keepReadings, items }).then((reply) => {
      if (reply.kind === "records") unpackOutcomes(reply.packed).forEach(apply);
    }, () => inline(items)) // a worker failed (it should not): process its batch here instead
      .finally(() => inFlight.delete(run));
    inFlight.add(run);
  };

  for await (const raw of lines) {
    const where = `${raw.source}:${raw.line}`;
    if ("text" in raw) {
      if (++seenRecordLines === startAfter) pool?.start();
      batch.push([raw.source, raw.line, raw.text]);
      if (batch.length >= RECORD_BATCH) flushRecords();
      continue;
    }
    if ("error" in raw) {
      findings.add({ code: "EXPORT_MALFORMED", message: `${where}: ${raw.error}`, line: raw.line });
      continue;
    }
    const type = (raw.value as { type?: unknown } | null)?.type;
    if (typeof type !== "string" || !(type in c.counts)) continue; // unknown line types are ignored (forward compatible)
    if (type === "record") {
      apply(processRecordValue(raw.value, where, raw.line, keepReadings));
      continue;
    }
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
      case "record": break; // handled above
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
  flushRecords();
  await Promise.all(inFlight);
  c.leaves = c.leaves.subarray(0, c.leafCount * 32);
  return c;
}
