// Numeric samples of readings and series, kept only for the HTML report's plots (--html). Plots go per device and
// stream name (the tag): a record's descriptor names it; without a descriptor there is nothing to label a plot with.
import type { CheckedRecord, ReadingBody, SeriesBody } from "../../core/index.ts";

export type ReadingPoint = { device: string; tag: string; t: number; value: number };

const numeric = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** The record's plottable points: a reading's value at header.from, a series' values at from + Σ dt. */
export function readingPoints(r: CheckedRecord): ReadingPoint[] {
  const { header, stream, record } = r;
  if (stream === null || !("body" in record)) return [];
  const from = Date.parse(header.from);
  if (header.kind === "reading") {
    const v = (record.body as ReadingBody).value.v;
    return numeric(v) ? [{ device: header.device, tag: stream.name, t: from, value: v }] : [];
  }
  if (header.kind !== "series") return [];
  const body = record.body as SeriesBody;
  const out: ReadingPoint[] = [];
  let t = from;
  body.dt.forEach((dt, i) => {
    t += dt;
    const v = body.values[i];
    if (numeric(v)) out.push({ device: header.device, tag: stream.name, t, value: v });
  });
  return out;
}
