// Samples ⇄ series bodies (PROTOCOL §4.1), for the edge agent (building) and the server and auditor
// (reading). Times are epoch milliseconds; the two functions are inverse on every valid series.
import { isCanonicalTimestamp, toTimestamp, type Timestamp } from "./time.ts";
import { SeriesError } from "./errors.ts";
import type { Header } from "./header.ts";
import type { OpcDataTypeV2, OpcValueV2 } from "./opc-value.ts";
import { MAX_SERIES_SAMPLES, SeriesBodySchema, type SeriesBody } from "./series.ts";

/** One sample: its time (source, else server, else receive time), server timestamp, StatusCode and value. */
export type Sample = { t: number; serverTs: number | null; status: number; value: OpcValueV2 };
export type SeriesMeta = { nodeId: string; unit: string | null; dataType: OpcDataTypeV2 };

/** A series body over samples in time order, with the header span it needs; throws SeriesError. */
export function buildSeriesBody(meta: SeriesMeta, samples: readonly Sample[]): { from: Timestamp; to: Timestamp; body: SeriesBody } {
  if (samples.length === 0) throw new SeriesError("series_empty", "a series holds at least one sample");
  if (samples.length > MAX_SERIES_SAMPLES) throw new SeriesError("series_too_long", `a series holds at most ${MAX_SERIES_SAMPLES} samples`, { expected: MAX_SERIES_SAMPLES, computed: samples.length });
  const dt: number[] = [], values: SeriesBody["values"] = [], status: number[] = [], serverDt: (number | null)[] = [];
  samples.forEach((s, i) => {
    const before = i === 0 ? s.t : samples[i - 1]!.t;
    if (!(s.t >= before)) throw new SeriesError("series_time_order", `sample ${i} is before sample ${i - 1}`, { expected: `>= ${before}`, computed: s.t });
    if (s.value.t !== "Null" && s.value.t !== meta.dataType) throw new SeriesError("series_type_mismatch", `sample ${i} is ${s.value.t}, the series ${meta.dataType}`, { expected: meta.dataType, computed: s.value.t });
    dt.push(s.t - before);
    values.push(s.value.t === "Null" ? null : s.value.v);
    status.push(s.status);
    serverDt.push(s.serverTs === null ? null : s.serverTs - s.t);
  });
  const body = { nodeId: meta.nodeId, unit: meta.unit, dataType: meta.dataType, dt, values, status, ...(serverDt.every((d) => d === 0) ? {} : { serverDt }) };
  const parsed = SeriesBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SeriesError("series_invalid", `${issue.path.join(".")}: ${issue.message}`, { computed: issue.path.join(".") });
  }
  const [from, to] = [samples[0]!.t, samples.at(-1)!.t].map((t) => (Number.isSafeInteger(t) && Math.abs(t) <= 8.64e15 ? toTimestamp(t) : ""));
  if (!isCanonicalTimestamp(from!) || !isCanonicalTimestamp(to!)) throw new SeriesError("series_invalid", "sample times must be integer ms in years 0000–9999", { computed: [samples[0]!.t, samples.at(-1)!.t] });
  return { from: from!, to: to!, body: body as SeriesBody };
}

/** The samples of a checked series record, with their times (t_i = from + Σ_{j ≤ i} dt[j]). */
export function seriesSamples(header: Pick<Header, "from">, body: SeriesBody): Sample[] {
  let t = Date.parse(header.from);
  return body.dt.map((d, i) => {
    t += d;
    const server = body.serverDt === undefined ? 0 : body.serverDt[i]!;
    const v = body.values[i]!;
    return { t, serverTs: server === null ? null : t + server, status: body.status[i]!, value: (v === null ? { t: "Null", v: null } : { t: body.dataType, v }) as OpcValueV2 };
  });
}
