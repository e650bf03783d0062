// The v2 spool on a real file: series windows durable on capture, sealing into both chains, crash recovery, time order, full policy.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import t from "tap";
import { recordHash, streamId, type FullRecord, type SeriesBody } from "../../core/index.ts";
import { Spool, type CapturedSample, type SpoolAlarm, type SpoolOptions } from "../../edge/spool/spool.ts";
import { chainProblems, samplesOf } from "./v2-chains.ts";

const device = "0x1111111111111111111111111111111111111111";
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const sample = (i: number, o: Partial<CapturedSample> = {}): CapturedSample => ({
  stream: "P-101.Flow", nodeId: "ns=1;s=P-101.Flow", unit: "m³/h", t: T0 + i * 1000, serverTs: T0 + i * 1000 + 3, status: 0, value: { t: "Double", v: 20 + i / 8 }, ...o,
});
const open = (dir: string, o: Partial<SpoolOptions> = {}) => new Spool(dir, { device, maxBytes: 1e9, whenFull: "keep-oldest", ...o });
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `spool-${name}-`));
const all = (spool: Spool): FullRecord[] => spool.pending(1e9).map((r) => JSON.parse(r.json) as FullRecord);

t.test("a window's samples become one series holding exactly them; both chains continue across a reopen", async (t) => {
  const dir = tmp("series");
  let spool = open(dir, { windowOf: () => ({ seconds: 60, maxSamples: 4096 }) });
  const captured = Array.from({ length: 60 }, (_, i) => sample(i, i === 7 ? { status: 0x40920000, value: { t: "Null", v: null } } : i === 9 ? { serverTs: null } : {}));
  t.equal(spool.capture(captured).captured, 60);
  t.same(all(spool), [], "nothing sealed while the window is open");
  t.equal(spool.stats().openSamples, 60, "the samples are held in the open window");
  const sealed = spool.capture([sample(60)]).sealed;
  t.equal(sealed.length, 1, "a sample 60 s after the window's first ends the window");
  const series = sealed[0]!;
  t.equal(series.header.kind, "series");
  t.equal((series.body as SeriesBody).dt.length, 60, "60 samples of a 1 Hz tag");
  t.same(samplesOf(series), captured.map(({ t, serverTs, status, value }) => ({ t, serverTs, status, value })), "seriesSamples gives back exactly the captured samples");
  t.match(series, { header: { seq: 1, prev: null, streamSeq: 1, streamPrev: null, from: new Date(T0).toISOString(), to: new Date(T0 + 59_000).toISOString() }, stream: { name: "P-101.Flow" } });
  t.equal(series.header.stream, streamId(device, series.stream.salt, "P-101.Flow"), "stream id from the device, the 16-byte salt and the name");
  spool.close();

  spool = open(dir);
  t.equal(spool.stats().openSamples, 1, "the open window survives the reopen");
  spool.capture([sample(61), sample(62)]);
  spool.addEvents([{ at: T0 + 62_500, body: { type: "note", asset: null, workOrder: null }, personal: { actor: null, text: "between" } }]);
  const second = spool.sealAll();
  t.equal(second.length, 1);
  t.match(second[0]!.header, { seq: 3, streamSeq: 2, streamPrev: recordHash(series.header) });
  t.equal(second[0]!.stream.salt, series.stream.salt, "the stream keeps its salt for life");
  t.same(chainProblems(all(spool)), [], "device chain 1..3 and stream chain 1..2 without a gap");
  spool.markSent(1, 3, { ok: true });
  spool.purgeVerified([1, 2, 3]);
  spool.close();
  spool = open(dir);
  spool.capture([sample(70)]);
  const [next] = spool.sealAll();
  t.match(next!.header, { seq: 4, prev: recordHash(second[0]!.header), streamSeq: 3, streamPrev: recordHash(second[0]!.header), kind: "reading" }, "a one-sample window is a reading; chains continue after every record was purged");
  t.equal(spool.stats().lastAnchoredSeq, 3);
  spool.close();
  t.throws(() => new Spool(dir, { device: "0x2222222222222222222222222222222222222222", maxBytes: 1e9, whenFull: "keep-oldest" }), { code: "spool_device_mismatch" });
});

t.test("a v1 spool file is refused with a clear error", async (t) => {
  const dir = tmp("v1");
  const db = new DatabaseSync(join(dir, "spool.sqlite"));
  db.exec("CREATE TABLE chain (id INTEGER PRIMARY KEY, device TEXT, last_seq INTEGER, last_hash TEXT); CREATE TABLE records (seq INTEGER PRIMARY KEY, hash TEXT, json TEXT, kind TEXT, state INTEGER, created_ms INTEGER, sent_ms INTEGER, bytes INTEGER)");
  db.close();
  t.throws(() => open(dir), { code: "spool_version_unsupported", message: /protocol v1 spool/ });
});

t.test("per-window limits: maxSamples and seconds end a window; a data type change seals it", async (t) => {
  const spool = open(tmp("limits"), { windowOf: (tag) => (tag === "A" ? { seconds: 60, maxSamples: 10 } : { seconds: 5, maxSamples: 4096 }) });
  t.teardown(() => spool.close());
  const a = spool.capture(Array.from({ length: 25 }, (_, i) => sample(i, { stream: "A" }))).sealed;
  t.same(a.map((r) => (r.body as SeriesBody).dt.length), [10, 10], "A: full at 10 samples");
  const b = spool.capture(Array.from({ length: 12 }, (_, i) => sample(i, { stream: "B" }))).sealed;
  t.same(b.map((r) => (r.body as SeriesBody).dt.length), [5, 5], "B: 5 s of a 1 Hz tag per series");
  const c = spool.capture([sample(0, { stream: "C" }), sample(1, { stream: "C" }), sample(2, { stream: "C", value: { t: "Int32", v: 3 } })]).sealed;
  t.equal(c.length, 1, "a value of another type seals the window");
  t.match(c[0]!.body, { dataType: "Double", dt: [0, 1000] });
  t.equal(spool.sealDue(Date.now() + 61_000).length, 3, "the agent clock ends the remaining windows (A, B, C)");
  t.same(chainProblems(all(spool)), []);
});

t.test("time order: backwards inside a window is sorted; older than the sealed head becomes a note event, alarmed", async (t) => {
  const alarms: SpoolAlarm[] = [];
  const spool = open(tmp("order"), { onAlarm: (a) => alarms.push(a) });
  t.teardown(() => spool.close());
  spool.capture([sample(10), sample(5), sample(12)]);
  const [first] = spool.sealAll();
  t.same(samplesOf(first!).map((s) => s.t), [T0 + 5000, T0 + 10_000, T0 + 12_000], "the series is in time order");
  const late = spool.capture([sample(11, { value: { t: "Double", v: 99.5 } }), sample(13)]);
  t.equal(late.late, 1);
  t.equal(late.captured, 1, "the in-order sample is captured as usual");
  const note = late.sealed[0]!;
  t.match(note, { header: { kind: "event" }, stream: { name: "@events" }, body: { type: "note", asset: null, source: { system: "otledger-edge", ref: "late-sample/P-101.Flow" } } });
  t.match(note.personal!.text, /P-101\.Flow.*2026-11-24T12:00:11\.000Z.*sealed through 2026-11-24T12:00:12\.000Z.*"v":99\.5/, "the note holds the sample's time, head and value");
  t.ok(alarms.some((a) => a.code === "sample_out_of_order"), "alarm raised");
  t.equal(spool.stats().lateSamples, 1, "counted");
  spool.sealAll();
  t.same(chainProblems(all(spool)), [], "the stream stays in time order");
});

t.test("events go to @events/<asset> with actor and text in the personal opening", async (t) => {
  const spool = open(tmp("events"));
  t.teardown(() => spool.close());
  const ev = (asset: string | null, at: number, text: string) => ({ at, body: { type: "maintenance" as const, asset, workOrder: "WO-1", source: { system: "cmms-csv", ref: "WO-1" } }, personal: { actor: "j.doe", text } });
  const [p1, b1, none, p2] = spool.addEvents([ev("P-101", T0, "seal"), ev("B-201", T0, "valve"), ev(null, T0, "site"), ev("P-101", T0 - 60_000, "older")]);
  t.same([p1, b1, none].map((r) => r!.stream.name), ["@events/P-101", "@events/B-201", "@events"]);
  t.match(p1, { body: { type: "maintenance", asset: "P-101", workOrder: "WO-1" }, personal: { actor: "j.doe", text: "seal" } });
  t.notOk("actor" in p1!.body, "actor is not in the body");
  t.match(p2, { header: { streamSeq: 2, from: new Date(T0).toISOString() }, personal: { text: /^older \[occurred at 2026-11-24T11:59:00\.000Z; recorded at 2026-11-24T12:00:00\.000Z/ } }, "an event older than its stream's head is recorded at the head's time, its own time stated");
  t.same(chainProblems(all(spool)), []);
});

t.test("SIGKILL while capturing loses no captured sample; reopening seals them and continues both chains", async (t) => {
  const dir = tmp("kill");
  const child = spawn(process.execPath, ["--experimental-strip-types", "--no-warnings", join(import.meta.dirname, "fixtures/spool-writer.ts"), dir, device], { stdio: ["ignore", "pipe", "inherit"] });
  let reported = 0;
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      reported = Math.max(reported, Number(chunk.toString().trim().split("\n").at(-1)));
      // mid-window (windows of 100, batches of 7): the writer is at most a few batches past its report when killed
      if (reported >= 3000 && reported % 100 >= 10 && reported % 100 <= 60) { child.kill("SIGKILL"); resolve(); }
    });
  });
  await new Promise((r) => child.once("exit", r));
  const spool = open(dir);
  t.teardown(() => spool.close());
  t.ok(spool.stats().openSamples > 0, "the kill left a window open");
  const before = all(spool);
  spool.sealAll();
  const records = all(spool);
  const values = records.flatMap((r) => samplesOf(r).map((s) => s.value.v as number));
  t.ok(values.length >= reported, `every reported sample (${reported}) is in a sealed record; found ${values.length}`);
  t.same(values, values.map((_, i) => i), "samples 0..n-1, each exactly once, in order");
  t.ok(records.length > before.length, "the recovered window was sealed");
  spool.capture([{ ...sample(0), stream: "T", nodeId: "ns=1;s=T", t: Date.now() + 60_000 }]);
  const [next] = spool.sealAll();
  t.match(next!.header, { seq: records.length + 1, streamSeq: records.filter((r) => r.stream.name === "T").length + 1 });
  t.same(chainProblems([...records, next!]), [], "no gap and no reused seq in either chain");
});

t.test("full spool, keep-oldest: samples refused with an alarm, then an outage event", async (t) => {
  const alarms: SpoolAlarm[] = [];
  const spool = open(tmp("full"), { maxBytes: 8192, windowOf: () => ({ seconds: 60, maxSamples: 5 }), onAlarm: (a) => alarms.push(a) });
  t.teardown(() => spool.close());
  let captured = 0, refused = 0;
  for (let i = 0; i < 200; i++) {
    const r = spool.capture([sample(i)]);
    captured += r.captured;
    refused += r.refused;
  }
  t.ok(refused > 0, "some samples were refused");
  t.equal(captured + refused, 200, "every sample is either captured or counted as refused");
  t.ok(alarms.some((a) => a.code === "spool_full"), "spool_full alarm raised");
  t.equal(spool.stats().refusedSamples, refused);
  const kept = all(spool);
  t.equal(samplesOf(kept[0]!)[0]!.t, T0, "oldest samples kept");
  spool.markSent(1, kept.length, null);
  spool.purgeVerified(kept.map((r) => r.header.seq));
  const after = spool.capture([sample(500)]);
  t.equal(after.sealed[0]?.header.kind, "event", "an outage event precedes the next admitted sample");
  t.match(after.sealed[0]!.personal!.text, new RegExp(`${refused} samples not recorded`));
  t.equal(after.sealed[0]!.header.seq, kept.at(-1)!.header.seq + 1, "no gap in seq across the full period");
});

t.test("full spool, keep-newest: delivered records are evicted first, pending never", async (t) => {
  const alarms: SpoolAlarm[] = [];
  const spool = open(tmp("newest"), { maxBytes: 8192, whenFull: "keep-newest", windowOf: () => ({ seconds: 60, maxSamples: 5 }), onAlarm: (a) => alarms.push(a) });
  t.teardown(() => spool.close());
  for (let i = 0; i < 25; i++) spool.capture([sample(i)]);
  spool.markSent(1, 5, { receipt: true });
  let refused = 0;
  for (let i = 25; i < 300; i++) refused += spool.capture([sample(i)]).refused;
  t.ok(alarms.some((a) => a.code === "spool_evicted_unaudited"), "eviction alarmed");
  t.equal(spool.awaitingAudit(100).length, 0, "sent records were evicted");
  t.ok(refused > 0, "once only pending records remain, samples are refused");
  t.same(chainProblems(all(spool), { firstSeq: 6, streamHeads: new Map([["P-101.Flow", { streamSeq: 5, hash: all(spool)[0]!.header.streamPrev, to: null }]]) }), [], "pending records 6.. stay a whole chain");
});
