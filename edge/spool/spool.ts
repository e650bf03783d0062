/**
 * Crash-safe spool, protocol v2. Captured samples are durable in their tag's open series window the moment
 * `capture` returns; sealing a window (device seq/prev, stream seq/prev, fresh salts, hash) moves its samples
 * into one sealed record in a single transaction, so on disk a sample is always either in an open window or in
 * exactly one sealed record, and both chain heads always match the last committed record. A SIGKILL therefore
 * loses no captured sample: the restarted agent seals the windows it finds (`sealAll`) and continues both chains.
 *
 * Life of a record: pending → sent (receipt from the ledger) → purged (inclusion in an anchored checkpoint
 * verified by the self-audit). Pending records are never dropped: each is a link of two chains.
 *
 * Time order within a stream (PROTOCOL §3.1: a record's `from` ≥ its predecessor's `to`): samples of an open
 * window are sorted by time at sealing, so a source timestamp going backwards inside a window is harmless. A
 * sample older than the stream's sealed head cannot enter the stream at all: it is recorded, with its value,
 * status and timestamps, as a `note` event in `@events` (counted as lateSamples, alarmed), never dropped.
 *
 * Full policy (cap on stored bytes of records and open samples), never silent:
 *  - keep-oldest: new samples are refused (never captured) and counted;
 *  - keep-newest: first evicts the oldest *sent* records (already safe at the ledger; only their local
 *    self-audit is forfeited), then refuses new samples like keep-oldest.
 * Events are still admitted up to 5% over the cap; sealing is never refused (its samples are already held).
 * Every refusal raises an alarm, and when samples are admitted again an `outage` event states how many were lost.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  EVENTS_STREAM, recordHash, sealRecord, toTimestamp, type FullRecord, type Hex32, type OpcDataTypeV2,
  type OpcValueV2, type Sample,
} from "../../core/index.ts";
import { migrate } from "./schema.ts";
import { prepareStatements, type SpoolStatements } from "./statements.ts";
import {
  DEFAULT_WINDOW, SpoolError,
  type AwaitingAudit, type CaptureResult, type CapturedSample, type EventDraft, type SpooledRecord, type SpoolOptions, type SpoolStats, type StoredReceipt,
} from "./types.ts";
import { windowBodies, type SealedBody } from "./window-bodies.ts";
import * as delivery from "./delivery-rows.ts";
import { spoolStats } from "./spool-stats.ts";
import { loadSpoolState, type Refusal, type SpoolCounters } from "./spool-state.ts";
import { atStreamHead, eventStreamOf, lateSampleDraft, outageDraft } from "./event-drafts.ts";

export type { AwaitingAudit, CaptureResult, CapturedSample, EventDraft, SpoolAlarm, SpoolOptions, SpooledRecord, SpoolStats, StoredReceipt, WindowConfig } from "./types.ts";
export { DEFAULT_WINDOW, SpoolError } from "./types.ts";

type StreamRow = { name: string; salt: string; stream_seq: number; stream_prev: string | null; last_to_ms: number | null; last_key: string | null };
type WindowRow = { stream: string; node_id: string; unit: string | null; data_type: string | null; opened_ms: number; first_t: number; count: number };
type Body = SealedBody | { kind: "event"; from: string; to: string; body: EventDraft["body"]; personal: EventDraft["personal"] };

export { eventStreamOf } from "./event-drafts.ts";
/** Identity of a sample: a repeat with identical time, server time, status and value is a redelivery. */
export const sampleKey = (s: Pick<CapturedSample, "t" | "serverTs" | "status" | "value">): string => `${s.t}|${s.serverTs}|${s.status}|${JSON.stringify(s.value)}`;
const defaultSalt = () => `0x${randomBytes(16).toString("hex")}`;
const SAMPLE_OVERHEAD = 48;

export class Spool {
  readonly file: string;
  private readonly db: DatabaseSync;
  private readonly opts: Required<Omit<SpoolOptions, "onAlarm">> & Pick<SpoolOptions, "onAlarm">;
  private lastSeq = 0;
  private lastHash: Hex32 | null = null;
  private bytes = 0;
  private refusal: Refusal | null = null;
  private counters: SpoolCounters = { refused_total: 0, late_total: 0, evicted_total: 0 };
  private readonly st: SpoolStatements;
  private readonly pendingAlarms: import("./types.ts").SpoolAlarm[] = [];

  constructor(dir: string, options: SpoolOptions) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, "spool.sqlite");
    this.db = new DatabaseSync(this.file);
    try {
      migrate(this.db, this.file, options.synchronous);
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.opts = { now: Date.now, synchronous: "FULL", windowOf: () => DEFAULT_WINDOW, salt: defaultSalt, ...options, device: options.device.toLowerCase() };
    try {
      Object.assign(this, loadSpoolState(this.db, this.file, this.opts.device));
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.st = prepareStatements(this.db);
  }

  private count(key: keyof Spool["counters"], n: number): void {
    if (n === 0) return;
    this.counters[key] += n;
    this.st.setMeta.run(key, String(this.counters[key]));
  }

  /** One transaction; in-memory heads are restored if it rolls back, and alarms are raised after it ends. */
  private tx<T>(fn: () => T): T {
    const saved = { lastSeq: this.lastSeq, lastHash: this.lastHash, bytes: this.bytes, refusal: this.refusal, counters: { ...this.counters } };
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (err) {
      this.db.exec("ROLLBACK");
      Object.assign(this, saved);
      this.pendingAlarms.length = 0;
      throw err;
    } finally {
      // outside the transaction, so a listener cannot hold the write lock
      for (const alarm of this.pendingAlarms.splice(0)) this.opts.onAlarm?.(alarm);
    }
  }

  private stream(name: string): StreamRow {
    const row = this.st.stream.get(name) as StreamRow | undefined;
    if (row) return row;
    // the salt is chosen once, when the stream starts, and kept for its life (PROTOCOL §3.2)
    const salt = this.opts.salt();
    this.st.newStream.run(name, salt);
    return { name, salt, stream_seq: 0, stream_prev: null, last_to_ms: null, last_key: null };
  }

  /** Seals one record at the head of both chains (inside a transaction). */
  private seal(streamName: string, b: Body, nowMs: number): FullRecord {
    const s = this.stream(streamName);
    const seq = this.lastSeq + 1;
    const header = {
      device: this.opts.device, seq, prev: this.lastHash, streamSeq: s.stream_seq + 1, streamPrev: s.stream_prev as Hex32 | null,
      kind: b.kind, from: b.from, to: b.to, ts: toTimestamp(nowMs),
    };
    const record = b.kind === "event"
      ? sealRecord({ header, stream: { name: streamName, salt: s.salt }, salt: this.opts.salt(), body: b.body, personal: b.personal, personalSalt: this.opts.salt() })
      : sealRecord({ header, stream: { name: streamName, salt: s.salt }, salt: this.opts.salt(), body: b.body });
    const hash = recordHash(record.header);
    const json = JSON.stringify(record);
    const bytes = Buffer.byteLength(json);
    this.st.insert.run(seq, hash, json, b.kind, streamName, header.streamSeq, nowMs, bytes);
    this.st.streamHead.run(header.streamSeq, hash, Date.parse(b.to), streamName);
    this.st.chain.run(this.opts.device, seq, hash);
    this.lastSeq = seq;
    this.lastHash = hash;
    this.bytes += bytes;
    return record;
  }

  /** Seals a tag's open window (inside a transaction): its samples become records, then leave the window. */
  private sealWindow(stream: string, nowMs: number): FullRecord[] {
    const w = this.st.window.get(stream) as WindowRow | undefined;
    if (!w) return [];
    const rows = this.st.windowSamples.all(stream) as { t: number; server_ts: number | null; status: number; value: string }[];
    const samples: Sample[] = rows.map((r) => ({ t: r.t, serverTs: r.server_ts, status: r.status, value: JSON.parse(r.value) as OpcValueV2 }));
    const sealed = windowBodies({ nodeId: w.node_id, unit: w.unit, dataType: w.data_type as OpcDataTypeV2 | null }, samples).map((b) => this.seal(stream, b, nowMs));
    for (const row of this.st.dropSamples.all(stream) as { bytes: number }[]) this.bytes -= row.bytes;
    this.st.closeWindow.run(stream);
    return sealed;
  }

  /** Evicts the oldest sent records until `need` more bytes fit; returns whether they fit. */
  private makeRoom(need: number): boolean {
    if (this.bytes + need <= this.opts.maxBytes) return true;
    if (this.opts.whenFull !== "keep-newest") return false;
    const { count, freed, through } = delivery.evictOldestSent(this.db, this.bytes + need - this.opts.maxBytes);
    if (count === 0) return false;
    this.bytes -= freed;
    this.count("evicted_total", count);
    this.pendingAlarms.push({ code: "spool_evicted_unaudited", message: `spool full: evicted ${count} delivered records up to seq ${through} before their anchoring was verified` });
    return this.bytes + need <= this.opts.maxBytes;
  }

  /** A sample that cannot enter its stream (older than the sealed head): kept as a note event with all its data. */
  private lateSample(s: CapturedSample, headTo: number, nowMs: number): FullRecord {
    const { draft, alarm } = lateSampleDraft(s, headTo, nowMs);
    this.pendingAlarms.push(alarm);
    this.count("late_total", 1);
    return this.sealEvent(draft, nowMs);
  }

  /** An event in its stream, at its own time or, if the stream holds a later one, at the head's (atStreamHead). */
  private sealEvent(e: EventDraft, nowMs: number): FullRecord {
    const name = eventStreamOf(e.body.asset);
    const { at, personal } = atStreamHead(e, name, this.stream(name).last_to_ms);
    const ts = toTimestamp(at);
    return this.seal(name, { kind: "event", from: ts, to: ts, body: e.body, personal }, nowMs);
  }

  /** Admitting samples again after a refusal: an outage event says how many were not captured. */
  private endRefusal(nowMs: number, out: FullRecord[]): void {
    const r = this.refusal;
    if (!r) return;
    this.refusal = null;
    this.st.delMeta.run("refusal");
    out.push(this.sealEvent(outageDraft(r, nowMs), nowMs));
  }

  /**
   * Stores captured samples in their windows, durably, in one transaction (one OPC UA publish). A window is
   * sealed first when a sample would end it (sample time past the window's span, another data type, node id or
   * unit) and after a sample fills it.
   */
  capture(samples: readonly CapturedSample[]): CaptureResult {
    const result: CaptureResult = { captured: 0, duplicates: 0, refused: 0, late: 0, sealed: [] };
    if (samples.length === 0) return result;
    const nowMs = this.opts.now();
    return this.tx(() => {
      const lastKeys = new Map<string, string>();
      for (const s of samples) {
        const stream = this.stream(s.stream);
        const key = sampleKey(s);
        if ((lastKeys.get(s.stream) ?? stream.last_key) === key) { result.duplicates++; continue; }
        lastKeys.set(s.stream, key);
        const value = JSON.stringify(s.value);
        const bytes = value.length + SAMPLE_OVERHEAD;
        const near = this.bytes + 65_536 >= this.opts.maxBytes;
        if (near && !this.makeRoom(bytes)) {
          result.refused++;
          const at = toTimestamp(s.t);
          this.refusal = this.refusal ? { ...this.refusal, count: this.refusal.count + 1, lastTs: at } : { count: 1, firstTs: at, lastTs: at };
          continue;
        }
        this.endRefusal(nowMs, result.sealed);
        const { seconds, maxSamples } = this.opts.windowOf(s.stream);
        let w = this.st.window.get(s.stream) as WindowRow | undefined;
        const dataType = s.value.t === "Null" ? null : s.value.t;
        if (w && (s.t >= w.first_t + seconds * 1000 || (dataType !== null && w.data_type !== null && dataType !== w.data_type) || w.node_id !== s.nodeId || w.unit !== s.unit)) {
          result.sealed.push(...this.sealWindow(s.stream, nowMs));
          w = undefined;
        }
        // the head as it is now (a seal just above may have moved it past this sample)
        const headTo = this.stream(s.stream).last_to_ms;
        if (headTo !== null && s.t < headTo) {
          result.late++;
          result.sealed.push(this.lateSample(s, headTo, nowMs));
          continue;
        }
        if (!w) this.st.openWindow.run(s.stream, s.nodeId, s.unit, dataType, nowMs, s.t);
        this.st.sample.run(s.stream, s.t, s.serverTs, s.status, value, bytes);
        this.st.growWindow.run(dataType, s.stream);
        this.bytes += bytes;
        result.captured++;
        if ((w?.count ?? 0) + 1 >= maxSamples) result.sealed.push(...this.sealWindow(s.stream, nowMs));
      }
      for (const [name, key] of lastKeys) this.st.lastKey.run(key, name);
      if (result.refused > 0) {
        this.count("refused_total", result.refused);
        this.st.setMeta.run("refusal", JSON.stringify(this.refusal));
        this.pendingAlarms.push({ code: "spool_full", message: `spool full (${this.bytes} of ${this.opts.maxBytes} bytes): ${this.refusal!.count} samples refused since ${this.refusal!.firstTs}` });
      }
      return result;
    });
  }

  /** Seals events now (manual entries, CMMS imports, OPC UA events), in one transaction. */
  addEvents(events: readonly EventDraft[]): FullRecord[] {
    if (events.length === 0) return [];
    const nowMs = this.opts.now();
    return this.tx(() => events.map((e) => this.sealEvent(e, nowMs)));
  }

  /** Seals the windows whose time is up by the agent's clock (opened `seconds` ago): a tag that stopped changing. */
  sealDue(nowMs = this.opts.now()): FullRecord[] {
    const due = (this.db.prepare("SELECT stream, opened_ms FROM windows").all() as { stream: string; opened_ms: number }[])
      .filter((w) => nowMs >= w.opened_ms + this.opts.windowOf(w.stream).seconds * 1000);
    if (due.length === 0) return [];
    return this.tx(() => due.flatMap((w) => this.sealWindow(w.stream, nowMs)));
  }

  /** Seals every open window: at shutdown, and at start for the windows a crash left open. */
  sealAll(): FullRecord[] {
    const open = (this.db.prepare("SELECT stream FROM windows ORDER BY stream").all() as { stream: string }[]).map((w) => w.stream);
    if (open.length === 0) return [];
    const nowMs = this.opts.now();
    return this.tx(() => open.flatMap((stream) => this.sealWindow(stream, nowMs)));
  }

  /** Oldest pending records from `fromSeq`, in seq order. */
  pending(limit: number, fromSeq = 0): SpooledRecord[] {
    return delivery.pendingRecords(this.st, limit, fromSeq);
  }

  /** Records firstSeq..lastSeq were acknowledged; the receipt is stored once for the range. */
  markSent(firstSeq: number, lastSeq: number, receipt: unknown): void {
    const now = this.opts.now();
    this.tx(() => {
      this.st.markSent.run(now, firstSeq, lastSeq);
      this.st.receipt.run(firstSeq, lastSeq, now, JSON.stringify(receipt ?? null));
    });
  }

  /** Receipts of acknowledged envelopes that hold records from `fromSeq` on: the ledger's word that it stored them. */
  receiptsFrom(fromSeq: number): StoredReceipt[] {
    return delivery.receiptsFrom(this.db, fromSeq);
  }

  /** The ledger lacks records from `seq` on (e.g. after a 409): send them again if we still hold them. */
  resetToPending(fromSeq: number): number {
    return delivery.resetToPending(this.db, fromSeq);
  }

  /** Delivered records whose anchoring is not yet verified, oldest first, with the acknowledged envelope holding each. */
  awaitingAudit(limit: number): AwaitingAudit[] {
    return delivery.awaitingAudit(this.db, limit);
  }

  /** Purges records whose inclusion in an anchored checkpoint was verified. */
  purgeVerified(seqs: readonly number[]): void {
    if (seqs.length === 0) return;
    this.tx(() => { this.bytes -= delivery.purgeVerified(this.db, this.st, seqs, this.lastSeq); });
  }

  hashOf(seq: number): Hex32 | undefined {
    return delivery.hashOf(this.db, seq);
  }

  lastAnchoredSeq(): number {
    return delivery.lastAnchoredSeq(this.db);
  }

  head(): { lastSeq: number; lastHash: Hex32 | null } {
    return { lastSeq: this.lastSeq, lastHash: this.lastHash };
  }

  /** A stream's head (streamSeq 0 before its first record) and its salt, or undefined for a stream not begun. */
  streamHead(name: string): { salt: string; streamSeq: number; streamPrev: Hex32 | null; lastTo: string | null } | undefined {
    const s = this.st.stream.get(name) as StreamRow | undefined;
    return s && { salt: s.salt, streamSeq: s.stream_seq, streamPrev: s.stream_prev as Hex32 | null, lastTo: s.last_to_ms === null ? null : toTimestamp(s.last_to_ms) };
  }

  /** The cap on stored bytes (spool.maxBytes): the denominator of "how full". */
  get maxBytes(): number {
    return this.opts.maxBytes;
  }

  stats(): SpoolStats {
    return spoolStats(this.db, { bytes: this.bytes, lastSeq: this.lastSeq, lastHash: this.lastHash, nowMs: this.opts.now(), counters: this.counters });
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
