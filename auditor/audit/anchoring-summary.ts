// The anchoring timeline in a few numbers, for the report: how often checkpoints came, how long records waited
// for one (receipt to the anchoring block's time), and the gaps where anchoring stalled.
import type { ChainCheckpoint } from "../../sdk/ledger-anchor.ts";
import { firstCovering } from "./check-devices.ts";

export type Percentiles = { p50: number; p90: number; p99: number; max: number };
export type AnchoringGap = { after: number; before: number; ms: number };

export type AnchoringSummary = {
  /** Time between consecutive checkpoints. */
  intervalMs: Percentiles | null;
  /** Per anchored record: its checkpoint's block time minus its receipt time (never negative). */
  lagMs: Percentiles | null;
  /** Per checkpoint (aligned with the timeline): the longest wait among the records it anchored first. */
  maxLagMs: (number | null)[];
  /** Intervals longer than GAP_FACTOR × the median interval (and at least a minute), longest first, at most MAX_GAPS. */
  gaps: AnchoringGap[];
  gapCount: number;
};

export const GAP_FACTOR = 3;
export const MAX_GAPS = 20;

/** Nearest-rank percentiles of `values` (sorted here, in place). */
export function percentiles(values: number[]): Percentiles | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const at = (p: number) => values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;
  return { p50: at(50), p90: at(90), p99: at(99), max: values.at(-1)! };
}

export function summarizeAnchoring(timeline: readonly ChainCheckpoint[], records: readonly { index: number; receivedAt: number }[]): AnchoringSummary {
  const maxLagMs: (number | null)[] = timeline.map(() => null);
  const lags: number[] = [];
  for (const r of records) {
    const k = firstCovering(timeline, r.index);
    if (k === -1) continue;
    const lag = Math.max(0, timeline[k]!.timestamp * 1000 - r.receivedAt);
    lags.push(lag);
    if (lag > (maxLagMs[k] ?? -1)) maxLagMs[k] = lag;
  }
  const intervals = timeline.slice(1).map((cp, i) => ({ after: timeline[i]!.index, before: cp.index, ms: (cp.timestamp - timeline[i]!.timestamp) * 1000 }));
  const intervalMs = percentiles(intervals.map((g) => g.ms));
  const threshold = Math.max(60_000, GAP_FACTOR * (intervalMs?.p50 ?? 0));
  const gaps = intervals.filter((g) => g.ms > threshold).sort((a, b) => b.ms - a.ms);
  return { intervalMs, lagMs: percentiles(lags), maxLagMs, gaps: gaps.slice(0, MAX_GAPS), gapCount: gaps.length };
}
