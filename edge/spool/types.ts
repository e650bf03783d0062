/** Shapes the spool hands out and takes in (protocol v2: samples into series windows, events, sealed records). */
import type { EventBody, FullRecord, Hex32, OpcValueV2, Personal } from "../../core/index.ts";

/** FULL: each commit fsyncs (survives power loss); NORMAL (WAL): survives process crashes, not power loss. */
export type SpoolSync = "FULL" | "NORMAL";

/** How long a tag's series window stays open: until `seconds` have passed (sample time or agent clock) or it holds `maxSamples`. */
export type WindowConfig = { seconds: number; maxSamples: number };
export const DEFAULT_WINDOW: WindowConfig = { seconds: 60, maxSamples: 4096 };

/**
 * One captured sample of a tag (PROTOCOL §4.1). `t` is its OPC UA source timestamp, else its server timestamp,
 * else the agent's receive time (epoch ms); `serverTs` null when the server sent none.
 */
export interface CapturedSample {
  stream: string;
  nodeId: string;
  unit: string | null;
  t: number;
  serverTs: number | null;
  status: number;
  value: OpcValueV2;
}

/** An event to seal now, into `@events/<asset>` (`@events` without asset); actor and text form the personal opening. */
export interface EventDraft {
  at: number;
  body: Omit<EventBody, "personal">;
  personal: Personal;
}

export interface SpooledRecord {
  seq: number;
  hash: Hex32;
  json: string;
  createdMs: number;
}
/** A delivered record awaiting self-audit; `envelope` is the acknowledged envelope (receipt) holding it, if known. */
export type AwaitingAudit = { seq: number; hash: Hex32; json: string; sentMs: number; envelope: { firstSeq: number; lastSeq: number } | null };
export type SpoolAlarmCode = "spool_full" | "spool_evicted_unaudited" | "sample_out_of_order";
export type SpoolAlarm = { code: SpoolAlarmCode; key?: string; message: string };
export interface SpoolOptions {
  device: string;
  maxBytes: number;
  whenFull: "keep-oldest" | "keep-newest";
  synchronous?: SpoolSync;
  /** series window of a tag stream (default 60 s / 4,096 samples) */
  windowOf?: (stream: string) => WindowConfig;
  now?: () => number;
  /** 16 random bytes as 0x + 32 hex (salts); crypto.randomBytes unless a test pins it */
  salt?: () => string;
  onAlarm?: (alarm: SpoolAlarm) => void;
}
export interface CaptureResult {
  /** samples stored in open windows */
  captured: number;
  /** repeats of the last captured sample (a redelivery, e.g. the initial value after a reconnect or restart) */
  duplicates: number;
  /** samples refused by the full policy (counted, alarmed, and stated in an outage event later) */
  refused: number;
  /** samples older than their stream's sealed head: recorded as `note` events in `@events` instead */
  late: number;
  /** records sealed by this call (windows ended by time, full, or a data type change; late-sample events) */
  sealed: FullRecord[];
}
export interface SpoolStats {
  pending: number;
  sent: number;
  bytes: number;
  lastSeq: number;
  lastHash: Hex32 | null;
  /** when the oldest record not yet acknowledged was produced (ISO 8601), and how long ago */
  oldestPendingAt: string | null;
  oldestPendingAgeMs: number | null;
  /** open series windows and the captured samples they hold (durable, not sealed yet) */
  openWindows: number;
  openSamples: number;
  refusedSamples: number;
  lateSamples: number;
  evictedUnaudited: number;
  lastAnchoredSeq: number;
}

/** One acknowledged envelope's receipt as the ledger sent it (or the resync answer that stood in for one). */
export interface StoredReceipt {
  firstSeq: number;
  lastSeq: number;
  receivedAt: string;
  receipt: unknown;
}

export type SpoolErrorCode = "spool_device_mismatch" | "spool_version_unsupported";
export class SpoolError extends Error {
  readonly code: SpoolErrorCode;
  constructor(code: SpoolErrorCode, message: string) {
    super(message);
    this.name = "SpoolError";
    this.code = code;
  }
}
