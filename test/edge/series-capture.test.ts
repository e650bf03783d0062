// Simulator → agent → spool with series windows: a 1 Hz tag fills a 60-sample series holding exactly the captured
// samples; per-item window config; shutdown seals the open windows. The simulator's model is frozen (one tick
// per ~11 days) so the test writes each sample itself, with its own source timestamp, 1 s apart.
import t from "tap";
import { StatusCodes } from "node-opcua";
import type { SeriesBody } from "../../core/index.ts";
import { startAgent } from "../../edge/agent.ts";
import { startSimulator } from "../../edge/simulator/server.ts";
import { waitFor } from "../helpers/wait.ts";
import { edgeConfig, makeKeystore, openSamples, spoolRecords, tempDir, testLog } from "./helpers.ts";
import { chainProblems, samplesOf } from "./v2-chains.ts";

const dir = tempDir("series");
const sim = await startSimulator({ tickMs: 1_000_000_000 });
t.teardown(() => sim.stop());
const key = await makeKeystore(dir);
const nodes = [
  { nodeId: "ns=1;s=P-101.Flow", tag: "P-101.Flow", samplingInterval: 0, queueSize: 1000 },
  { nodeId: "ns=1;s=B-201.DrumPressure", tag: "B-201.DrumPressure", samplingInterval: 0, queueSize: 1000, window: { maxSamples: 10 } },
  { nodeId: "ns=1;s=C-301.Vibration", tag: "C-301.Vibration", samplingInterval: 0, queueSize: 1000, window: { seconds: 5 } },
];
const config = edgeConfig({ endpoint: sim.endpointUrl, dir, keystore: key.file, opcua: { nodes, events: [] } });
const agent = await startAgent(config, { log: testLog });
let stopped = false;
t.teardown(() => (stopped ? undefined : agent.stop()));
await agent.capture.ready;

const records = () => spoolRecords(config.spool.dir).map((r) => r.record);
/** The first captured sample of a tag: its initial value at subscription, the start of its first window. */
const initial = (tag: string) => waitFor(() => openSamples(config.spool.dir).get(tag)?.[0], { what: `the initial value of ${tag}` });
/** Samples of a tag the spool holds: in open windows and in sealed records. */
const captured = (tag: string) => (openSamples(config.spool.dir).get(tag)?.length ?? 0)
  + records().filter((r) => r.stream.name === tag).reduce((n, r) => n + samplesOf(r).length, 0);
/**
 * Writes `count` samples 1 s apart (source time) after `t0`. Each write waits until the agent captured the
 * previous one: the server samples values (≥ 50 ms), so two writes between samplings would be one notification.
 */
async function feed(tag: string, t0: number, from: number, count: number, status = (_i: number) => StatusCodes.Good) {
  const written: { t: number; v: number; status: number }[] = [];
  for (let i = from; i < from + count; i++) {
    const v = 10 + i / 4;
    const before = captured(tag);
    sim.writeTag(tag, v, status(i), new Date(t0 + i * 1000));
    written.push({ t: t0 + i * 1000, v, status: status(i).value });
    await waitFor(() => captured(tag) > before, { what: `sample ${i} of ${tag}`, intervalMs: 10 });
  }
  return written;
}

const flowT0 = (await initial("P-101.Flow")).t;
const drumT0 = (await initial("B-201.DrumPressure")).t;
const vibT0 = (await initial("C-301.Vibration")).t;

t.test("a 1 Hz tag fills a 60-sample series holding exactly the captured samples", async (t) => {
  const written = await feed("P-101.Flow", flowT0, 1, 60, (i) => (i === 17 ? StatusCodes.UncertainLastUsableValue : StatusCodes.Good));
  const series = await waitFor(() => records().find((r) => r.stream.name === "P-101.Flow"), { what: "the first series of P-101.Flow" });
  t.equal(series.header.kind, "series");
  const samples = samplesOf(series);
  t.equal(samples.length, 60, "the initial value and 59 written samples: 60 s of a 1 Hz tag");
  t.equal((series.body as SeriesBody).nodeId, "ns=1;s=P-101.Flow");
  t.equal((series.body as SeriesBody).unit, "m³/h", "unit from the node's EngineeringUnits");
  t.same(samples.slice(1).map((s) => ({ t: s.t, v: s.value.v, status: s.status })), written.slice(0, 59), "values, source timestamps and statuses as written");
  t.equal(samples[17]!.status, StatusCodes.UncertainLastUsableValue.value, "a non-Good StatusCode is kept");
  // node-opcua's setValueFromSource stamps the server timestamp with the source timestamp; the spool test covers
  // server timestamps that differ or are absent (serverDt)
  t.same(samples.map((s) => s.serverTs), samples.map((s) => s.t), "each sample keeps the server timestamp it was sent with");
  t.notOk("serverDt" in series.body, "serverDt omitted: every server timestamp equals its sample time");
  t.equal(series.header.from, new Date(flowT0).toISOString());
  t.equal(series.header.to, new Date(flowT0 + 59_000).toISOString());
  t.same(openSamples(config.spool.dir).get("P-101.Flow")?.map((s) => s.t), [flowT0 + 60_000], "the 61st sample opened the next window");
});

t.test("per-item windows: maxSamples 10 and seconds 5", async (t) => {
  await feed("B-201.DrumPressure", drumT0, 1, 24);
  await feed("C-301.Vibration", vibT0, 1, 12);
  const drum = await waitFor(() => { const r = records().filter((x) => x.stream.name === "B-201.DrumPressure"); return r.length >= 2 && r; }, { what: "two DrumPressure series" });
  t.same(drum.map((r) => samplesOf(r).length), [10, 10], "B-201.DrumPressure: full at 10 samples");
  // The 5 s window is also sealed by the agent's clock (sealDue): on a loaded machine the window holding only the
  // initial value can time out before the fed samples arrive, so the first series may be short. What must hold:
  // no series reaches 5 s of source time, the fed 1 Hz samples fill 5-sample series, and the stream has no gap.
  const vib = await waitFor(() => {
    const r = records().filter((x) => x.stream.name === "C-301.Vibration");
    return r.filter((x) => samplesOf(x).length === 5).length >= 2 && r;
  }, { what: "two full Vibration series" });
  for (const r of vib) {
    const ts = samplesOf(r).map((s) => s.t);
    t.ok(ts.length <= 5 && ts.at(-1)! - ts[0]! < 5_000, `C-301.Vibration series ${r.header.streamSeq}: under 5 s of a 1 Hz tag (${ts.length} samples)`);
  }
  t.ok(vib.filter((r) => samplesOf(r).length === 5).length >= 2, "C-301.Vibration: the window's 5 s, not maxSamples, ends a series");
  t.same(vib.map((r) => r.header.streamSeq), vib.map((_, i) => i + 1), "stream seqs 1..n without a gap");
});

t.test("shutdown seals every open window; both chains are whole", async (t) => {
  const open = openSamples(config.spool.dir);
  const held = [...open.values()].reduce((n, s) => n + s.length, 0);
  t.ok(held > 0, `samples are waiting in open windows (${held})`);
  const before = records().length;
  stopped = true;
  await agent.stop();
  t.equal(openSamples(config.spool.dir).size, 0, "no open window is left");
  const all = records();
  t.ok(all.length > before, "the open windows were sealed");
  const sealedNow = all.slice(before).flatMap((r) => samplesOf(r).map((s) => `${r.stream.name}@${s.t}`));
  const expected = [...open].flatMap(([tag, s]) => s.map((x) => `${tag}@${x.t}`));
  t.same(sealedNow.sort(), expected.sort(), "exactly the samples the windows held");
  t.same(chainProblems(all), [], "device chain and every stream chain without a gap");
});
