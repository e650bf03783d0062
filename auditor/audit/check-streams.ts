// Stream chains (PROTOCOL §3.1–§3.2): per (device, stream id) streamSeq 1, 2, 3, … without gaps, streamPrev the
// hash of the stream's previous record, records in time order; and one stream id per name of a device. Run per
// device from checkDevices, so the per-stream maps live for one device at a time.
import { toHex32 } from "../../core/index.ts";
import type { RecordEntry } from "./collect.ts";
import type { FindingLog } from "./findings.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const short = (stream: string) => stream.slice(0, 10) + "…";

/** `records` are the device's records in leaf order. `complete`/`startsAtGenesis` as for the device chain. */
export function checkStreamsOfDevice(device: string, records: readonly RecordEntry[], complete: boolean, startsAtGenesis: boolean, findings: FindingLog): number {
  const byStream = new Map<string, RecordEntry[]>();
  const idOfName = new Map<string, string>();
  const conflicts = new Set<string>();
  for (const r of records) {
    const list = byStream.get(r.stream);
    if (list) list.push(r);
    else byStream.set(r.stream, [r]);
    if (r.streamName === null) continue;
    const known = idOfName.get(r.streamName);
    if (known === undefined) idOfName.set(r.streamName, r.stream);
    else if (known !== r.stream && !conflicts.has(`${r.streamName}\n${r.stream}`)) {
      conflicts.add(`${r.streamName}\n${r.stream}`);
      findings.add({ code: "STREAM_NAME_CONFLICT", message: `device ${device}: stream ${JSON.stringify(r.streamName)} appears under two stream ids (${short(known)} and ${short(r.stream)}, from seq ${r.seq})`,
        device, seq: r.seq, index: r.index, stream: r.stream, expected: known, computed: r.stream });
    }
  }
  for (const [stream, list] of byStream) checkStream(device, stream, list, complete, startsAtGenesis, findings);
  return byStream.size;
}

function checkStream(device: string, stream: string, records: RecordEntry[], complete: boolean, startsAtGenesis: boolean, findings: FindingLog): void {
  const where = (r: RecordEntry) => ({ device, seq: r.seq, index: r.index, stream });
  const label = `device ${device} stream ${short(stream)}`;
  const bySeq = new Map<number, RecordEntry>();
  for (const r of records) {
    const other = bySeq.get(r.streamSeq);
    if (!other) bySeq.set(r.streamSeq, r);
    else if (!other.hash.equals(r.hash)) {
      findings.add({ code: "STREAM_SEQ_EQUIVOCATION", message: `${label}: two different records at streamSeq ${r.streamSeq} (seq ${other.seq} at leaf ${other.index}, seq ${r.seq} at leaf ${r.index})`,
        ...where(r), expected: toHex32(other.hash), computed: toHex32(r.hash) });
    }
  }
  const ordered = [...bySeq.values()].sort((a, b) => a.streamSeq - b.streamSeq);
  const first = ordered[0];
  if (first !== undefined && startsAtGenesis && first.streamSeq !== 1) {
    findings.add({ code: "STREAM_SEQ_GAP", message: `${label}: the stream starts at streamSeq ${first.streamSeq}, not 1`, ...where(first), expected: 1, computed: first.streamSeq });
  }
  for (let i = 1; i < ordered.length; i++) {
    const a = ordered[i - 1]!, b = ordered[i]!;
    // Time order holds between any two records of a stream in stream order, so it is checked across gaps too.
    if (b.from < a.to) {
      findings.add({ code: "STREAM_TIME_ORDER", message: `${label}: streamSeq ${b.streamSeq} (seq ${b.seq}) starts at ${iso(b.from)}, before streamSeq ${a.streamSeq} ends at ${iso(a.to)}`,
        ...where(b), expected: `from >= ${iso(a.to)}`, computed: iso(b.from) });
    }
    if (b.streamSeq !== a.streamSeq + 1) {
      if (complete) {
        findings.add({ code: "STREAM_SEQ_GAP", message: `${label}: streamSeq jumps from ${a.streamSeq} to ${b.streamSeq} (${b.streamSeq - a.streamSeq - 1} missing)`,
          ...where(b), expected: a.streamSeq + 1, computed: b.streamSeq });
      }
      continue;
    }
    const expectedPrev = toHex32(a.hash);
    if (b.streamPrev !== expectedPrev) {
      findings.add({ code: "STREAM_PREV_MISMATCH", message: `${label}: streamSeq ${b.streamSeq}'s streamPrev is not the hash of streamSeq ${a.streamSeq} (seq ${a.seq})`,
        ...where(b), expected: expectedPrev, computed: b.streamPrev });
    }
  }
}
