/** Shapes the spool hands out and takes in. */
import type { EventBody, Hex32, ReadingBody } from "../../core/index.ts";
import type { SpoolSync } from "./schema.ts";

export type RecordDraft = { kind: "reading"; ts: string; body: ReadingBody } | { kind: "event"; ts: string; body: EventBody };
export interface SpooledRecord {
  seq: number;
  hash: Hex32;
  json: string;
  createdMs: number;
}
/** A delivered record awaiting self-audit; `envelope` is the acknowledged envelope (receipt) holding it, if known. */
export type AwaitingAudit = { seq: number; hash: Hex32; json: string; sentMs: number; envelope: { firstSeq: number; lastSeq: number } | null };
export type SpoolAlarm = { code: "spool_full" | "spool_evicted_unaudited"; message: string };
export interface SpoolOptions {
  device: string;
  maxBytes: number;
  whenFull: "keep-oldest" | "keep-newest";
  synchronous?: SpoolSync;
  now?: () => number;
  onAlarm?: (alarm: SpoolAlarm) => void;
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
  refusedReadings: number;
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

export class SpoolError extends Error {
  readonly code: "spool_device_mismatch";
  constructor(code: "spool_device_mismatch", message: string) {
    super(message);
    this.code = code;
  }
}

