/**
 * What a sealed window becomes (PROTOCOL §4.1–4.2): the bodies and spans of the records that hold its samples,
 * in time order. Pure: the spool assigns seq, stream position and salts.
 *
 *  - two or more samples with a data type → one `series` (buildSeriesBody; sorted by time, capture order kept
 *    for equal times, so a source timestamp that went backwards inside a window still lands in time order);
 *  - a single sample → a `reading` (a one-off value, e.g. a state that changed once in the window);
 *  - samples that are all empty Variants (no data type to name the series by) → one `reading` each.
 */
import {
  buildSeriesBody, toTimestamp, type OpcDataTypeV2, type ReadingBody, type Sample, type SeriesBody,
} from "../../core/index.ts";

export type WindowMeta = { nodeId: string; unit: string | null; dataType: OpcDataTypeV2 | null };
export type SealedBody =
  | { kind: "series"; from: string; to: string; body: SeriesBody }
  | { kind: "reading"; from: string; to: string; body: ReadingBody };

export function readingOf(meta: Pick<WindowMeta, "nodeId" | "unit">, s: Sample): SealedBody {
  const at = toTimestamp(s.t);
  const serverDt = s.serverTs === null ? null : s.serverTs - s.t;
  const body: ReadingBody = { nodeId: meta.nodeId, unit: meta.unit, value: s.value, status: s.status, ...(serverDt === 0 ? {} : { serverDt }) };
  return { kind: "reading", from: at, to: at, body };
}

/** Samples must be in capture order; returns records' bodies in time order. */
export function windowBodies(meta: WindowMeta, samples: readonly Sample[]): SealedBody[] {
  const sorted = samples.map((s, i) => ({ s, i })).sort((a, b) => a.s.t - b.s.t || a.i - b.i).map((x) => x.s);
  if (sorted.length === 0) return [];
  if (sorted.length === 1 || meta.dataType === null) return sorted.map((s) => readingOf(meta, s));
  const built = buildSeriesBody({ nodeId: meta.nodeId, unit: meta.unit, dataType: meta.dataType }, sorted);
  return [{ kind: "series", ...built }];
}
