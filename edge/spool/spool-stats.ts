// The spool's figures for /status and metrics: records by delivery state, open windows, and the counters.
import type { DatabaseSync } from "node:sqlite";
import type { Hex32 } from "../../core/index.ts";
import { lastAnchoredSeq } from "./delivery-rows.ts";
import { RecordState } from "./schema.ts";
import type { SpoolStats } from "./types.ts";

export type SpoolHeads = {
  bytes: number; lastSeq: number; lastHash: Hex32 | null; nowMs: number;
  counters: { refused_total: number; late_total: number; evicted_total: number };
};

export function spoolStats(db: DatabaseSync, h: SpoolHeads): SpoolStats {
  const counts = db.prepare("SELECT state, count(*) AS n, min(created_ms) AS oldest FROM records GROUP BY state").all() as { state: number; n: number; oldest: number }[];
  const pending = counts.find((c) => c.state === RecordState.pending);
  const open = db.prepare("SELECT count(*) AS windows, coalesce(sum(count), 0) AS samples FROM windows").get() as { windows: number; samples: number };
  return {
    pending: pending?.n ?? 0,
    sent: counts.find((c) => c.state === RecordState.sent)?.n ?? 0,
    bytes: h.bytes,
    lastSeq: h.lastSeq,
    lastHash: h.lastHash,
    oldestPendingAt: pending ? new Date(pending.oldest).toISOString() : null,
    oldestPendingAgeMs: pending ? Math.max(0, h.nowMs - pending.oldest) : null,
    openWindows: open.windows,
    openSamples: open.samples,
    refusedSamples: h.counters.refused_total,
    lateSamples: h.counters.late_total,
    evictedUnaudited: h.counters.evicted_total,
    lastAnchoredSeq: lastAnchoredSeq(db),
  };
}
