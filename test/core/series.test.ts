// Series helpers: buildSeriesBody and seriesSamples are inverse; the series rules and their codes.
import t from "tap";
import fc from "fast-check";
import { buildSeriesBody, checkRecord, RecordError, seriesSamples, seriesTimeProblem, SeriesError, type Sample, type SeriesBody } from "../../core/index.ts";
import { recordArb } from "./arbitraries.ts";
import { deviceRecords } from "./vectors/inputs.ts";

t.test("property: samples → body → samples and body → samples → body are the identity", async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(recordArb.filter((r) => r.header.kind === "series"), (r) => {
    const body = r.body as SeriesBody;
    const samples = seriesSamples(r.header, body);
    const rebuilt = buildSeriesBody({ nodeId: body.nodeId, unit: body.unit, dataType: body.dataType }, samples);
    return JSON.stringify(rebuilt) === JSON.stringify({ from: r.header.from, to: r.header.to, body })
      && JSON.stringify(seriesSamples(rebuilt, rebuilt.body)) === JSON.stringify(samples);
  }), { numRuns: 200 }));
});

const meta = { nodeId: "ns=2;s=X", unit: null, dataType: "Double" as const };
const s = (t: number, v: Sample["value"] = { t: "Double", v: 1 }, serverTs: number | null = t): Sample => ({ t, serverTs, status: 0, value: v });

t.test("buildSeriesBody: times as deltas, serverDt omitted iff all equal, typed errors", async (t) => {
  const T = Date.UTC(2026, 0, 1);
  const a = buildSeriesBody(meta, [s(T), s(T + 10), s(T + 10)]);
  t.same(a.body.dt, [0, 10, 0]);
  t.notOk("serverDt" in a.body, "equal server timestamps: omitted");
  t.same([a.from, a.to], ["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.010Z"]);
  t.same(buildSeriesBody(meta, [s(T), s(T + 5, undefined, null)]).body.serverDt, [0, null], "null = no server timestamp");
  t.same(buildSeriesBody(meta, [s(T, { t: "Null", v: null })]).body.values, [null], "the empty Variant is null");
  const code = (f: () => unknown) => (t.throws(f) as SeriesError).code;
  t.equal(code(() => buildSeriesBody(meta, [])), "series_empty");
  t.equal(code(() => buildSeriesBody(meta, Array.from({ length: 4097 }, (_, i) => s(T + i)))), "series_too_long");
  t.equal(code(() => buildSeriesBody(meta, [s(T + 1), s(T)])), "series_time_order");
  t.equal(code(() => buildSeriesBody(meta, [s(T, { t: "Float", v: 1 })])), "series_type_mismatch");
  t.equal(code(() => buildSeriesBody(meta, [s(T, { t: "Double", v: -0 })])), "series_invalid", "the number -0 has no JCS form of its own");
  t.equal(buildSeriesBody(meta, Array.from({ length: 4096 }, (_, i) => s(T + i))).body.dt.length, 4096, "4,096 samples fit");
});

t.test("header.to must be the last sample's time", async (t) => {
  const series = deviceRecords()[0]!.record;
  const err = t.throws(() => checkRecord({ ...series, header: { ...series.header, to: "2026-11-24T22:56:03.124Z" } })) as RecordError;
  t.equal(err.code, "series_time_mismatch");
  t.same(err.path, ["header", "to"]);
  t.equal(err.expected, "2026-11-24T22:56:03.123Z", "the evidence is the computed time");
  const big = { ...series.body as SeriesBody, dt: [0, ...Array(4).fill(Number.MAX_SAFE_INTEGER)] };
  // Deltas summing past 2^53 are compared exactly (BigInt), and reported in ms when no timestamp can show them.
  t.match(seriesTimeProblem(series.header, big)?.expected, / ms$/);
});
