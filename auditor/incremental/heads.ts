// The device and stream chains checked record by record against their heads (PROTOCOL §3.1–§3.2): a head is the
// last record seen of a chain, so the checks need one entry per device and per stream, never the whole log.
// Records come in leaf order (a full export), so a record at or below its head is a replay or a reorder.
import { toHex32 } from "../../core/index.ts";
import type { RecordEntry } from "../audit/collect.ts";
import type { FindingLog } from "../audit/findings.ts";
import type { DeviceHead, StreamHead } from "./state.ts";

const short = (stream: string) => stream.slice(0, 10) + "…";
const iso = (ms: number) => new Date(ms).toISOString();
const streamKey = (device: string, stream: string) => `${device} ${stream}`;

export class ChainHeads {
  readonly devices = new Map<string, DeviceHead>();
  readonly streams = new Map<string, StreamHead>();
  /** Per device, stream name → stream id (one id per name). */
  readonly #names = new Map<string, Map<string, string>>();

  static from(devices: Record<string, DeviceHead>, streams: readonly StreamHead[]): ChainHeads {
    const heads = new ChainHeads();
    for (const [a, h] of Object.entries(devices)) heads.devices.set(a, { ...h });
    for (const s of streams) {
      heads.streams.set(streamKey(s.device, s.stream), { ...s });
      if (s.name !== null) heads.#nameMap(s.device).set(s.name, s.stream);
    }
    return heads;
  }

  /** A copy (the heads as of an anchored checkpoint, while later records move on). */
  snapshot(): { devices: Record<string, DeviceHead>; streams: StreamHead[] } {
    return {
      devices: Object.fromEntries([...this.devices].map(([a, h]) => [a, { ...h }])),
      streams: [...this.streams.values()].map((s) => ({ ...s })),
    };
  }

  #nameMap(device: string): Map<string, string> {
    let m = this.#names.get(device);
    if (!m) this.#names.set(device, (m = new Map()));
    return m;
  }

  /** Checks `r` against its device's and its stream's heads, then advances them. */
  apply(r: RecordEntry, findings: FindingLog): void {
    this.#device(r, findings);
    this.#stream(r, findings);
  }

  #device(r: RecordEntry, findings: FindingLog): void {
    const device = r.device, seq = r.seq, hash = toHex32(r.hash);
    const at = { device, seq, index: r.index };
    const head = this.devices.get(device);
    if (head === undefined || seq > head.seq) {
      const expectedSeq = (head?.seq ?? 0) + 1;
      if (seq !== expectedSeq) {
        findings.add({ code: "SEQ_GAP", message: head ? `device ${device}: seq jumps from ${head.seq} to ${seq} (${seq - expectedSeq} missing)` : `device ${device}: its chain starts at seq ${seq}, not 1`,
          ...at, expected: expectedSeq, computed: seq });
      } else {
        const expectedPrev = head ? head.hash : null;
        if (r.prev !== expectedPrev) {
          findings.add({ code: "PREV_MISMATCH", message: head ? `device ${device}: seq ${seq}'s prev is not the hash of seq ${head.seq}` : `device ${device}: seq 1 must have prev null`,
            ...at, expected: expectedPrev, computed: r.prev });
        }
      }
      this.devices.set(device, { seq, hash });
      return;
    }
    // At or below the head. The same record again is a replay of a leaf (a record hash commits to device and seq,
    // so two equal leaves are two records of one seq: this check replaces a global set of leaf hashes).
    if (seq === head.seq && hash === head.hash) {
      findings.add({ code: "LEAF_DUPLICATE", message: `leaf ${r.index} repeats device ${device}'s record seq ${seq} (the same record appended twice: a replay)`, ...at, expected: "a new record hash", computed: hash });
    } else if (seq === head.seq) {
      findings.add({ code: "SEQ_EQUIVOCATION", message: `device ${device}: two different records for seq ${seq} (the second at leaf ${r.index})`, ...at, expected: head.hash, computed: hash });
    } else {
      findings.add({ code: "SEQ_OUT_OF_ORDER", message: `device ${device}: seq ${seq} at leaf ${r.index} comes after seq ${head.seq}`, ...at, expected: `> ${head.seq}`, computed: seq });
    }
  }

  #stream(r: RecordEntry, findings: FindingLog): void {
    const { device, stream } = r;
    const hash = toHex32(r.hash);
    const where = { device, seq: r.seq, index: r.index, stream };
    const label = `device ${device} stream ${short(stream)}`;
    if (r.streamName !== null) {
      const names = this.#nameMap(device);
      const known = names.get(r.streamName);
      if (known === undefined) names.set(r.streamName, stream);
      else if (known !== stream) {
        findings.add({ code: "STREAM_NAME_CONFLICT", message: `device ${device}: stream ${JSON.stringify(r.streamName)} appears under two stream ids (${short(known)} and ${short(stream)}, from seq ${r.seq})`,
          ...where, expected: known, computed: stream });
      }
    }
    const key = streamKey(device, stream);
    const head = this.streams.get(key);
    if (head !== undefined && r.streamSeq <= head.streamSeq) {
      if (r.streamSeq === head.streamSeq && hash !== head.hash) {
        findings.add({ code: "STREAM_SEQ_EQUIVOCATION", message: `${label}: two different records at streamSeq ${r.streamSeq} (the second seq ${r.seq} at leaf ${r.index})`, ...where, expected: head.hash, computed: hash });
      } else if (r.streamSeq < head.streamSeq) {
        findings.add({ code: "STREAM_SEQ_GAP", message: `${label}: streamSeq ${r.streamSeq} at leaf ${r.index} comes after streamSeq ${head.streamSeq}`, ...where, expected: head.streamSeq + 1, computed: r.streamSeq });
      }
      return; // a replay of the head is LEAF_DUPLICATE already
    }
    const expectedSeq = (head?.streamSeq ?? 0) + 1;
    if (head !== undefined && r.from < head.to) {
      findings.add({ code: "STREAM_TIME_ORDER", message: `${label}: streamSeq ${r.streamSeq} (seq ${r.seq}) starts at ${iso(r.from)}, before streamSeq ${head.streamSeq} ends at ${iso(head.to)}`,
        ...where, expected: `from >= ${iso(head.to)}`, computed: iso(r.from) });
    }
    if (r.streamSeq !== expectedSeq) {
      findings.add({ code: "STREAM_SEQ_GAP", message: head ? `${label}: streamSeq jumps from ${head.streamSeq} to ${r.streamSeq} (${r.streamSeq - expectedSeq} missing)` : `${label}: the stream starts at streamSeq ${r.streamSeq}, not 1`,
        ...where, expected: expectedSeq, computed: r.streamSeq });
    } else if (r.streamPrev !== (head?.hash ?? null)) {
      findings.add({ code: "STREAM_PREV_MISMATCH", message: head ? `${label}: streamSeq ${r.streamSeq}'s streamPrev is not the hash of streamSeq ${head.streamSeq}` : `${label}: streamSeq 1 must have streamPrev null`,
        ...where, expected: head?.hash ?? null, computed: r.streamPrev });
    }
    this.streams.set(key, { device, stream, streamSeq: r.streamSeq, hash, to: r.to, name: r.streamName ?? head?.name ?? null });
  }
}
