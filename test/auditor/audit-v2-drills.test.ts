// v2 audit drills on a real chain: each builds a small ledger (its own LedgerAnchor v2 on one anvil) with one
// anomaly — signed by the device itself where the anomaly is in what it signed, edited into the export where it
// is the service's — and the audit must report exactly the finding that names it, with its evidence.
import t from "tap";
import { randomBytes } from "node:crypto";
import { recordHash, type FullRecord } from "../../core/index.ts";
import type { TestDeviceV2 } from "../helpers/envelopes.ts";
import { auditLines, codesOf } from "./fixture/audit-lines.ts";
import { startAnvil } from "./fixture/anvil.ts";
import { TestLedger } from "./fixture/ledger.ts";

type Line = Record<string, any>;

const anvil = await startAnvil();
t.teardown(() => anvil.stop());

const TAG = "TT-101.PV";
const series = { samples: 4, stream: TAG } as const;
const at = () => new Date().toISOString();

/** A fresh ledger: pump (device) with a few series and one event, a service key; `build` adds the anomaly. */
async function drill(build: (l: TestLedger, pump: TestDeviceV2, svc: TestDeviceV2) => void | Promise<void>, edit?: (lines: Line[]) => void) {
  const ledger = await TestLedger.deploy(anvil.url);
  t.teardown(() => ledger.close());
  const pump = await ledger.register("pump-1");
  const svc = await ledger.registerService("otledger-service");
  ledger.submit(pump, 3, at(), series);
  ledger.submit(pump, 1, at(), { make: "event", asset: "pump1" });
  await build(ledger, pump, svc);
  await ledger.anchor();
  const lines = (await ledger.exportLines()) as Line[];
  edit?.(lines);
  return { ledger, report: await auditLines(lines, anvil.url) };
}

const recordLine = (lines: Line[], pred: (header: Line) => boolean) => lines.find((l) => l.type === "record" && pred(l.record.header))!;
const findingOf = (report: Awaited<ReturnType<typeof auditLines>>, code: string) => report.findings.find((f) => f.code === code)!;

t.test("a clean v2 ledger (series, event, service key) is clean, every record full", async (t) => {
  const { report } = await drill(() => {});
  t.same(report.counts, {});
  t.same(report.openings, { full: 4, personalErased: 0, stubs: 0, erased: 0, invalid: 0 });
  t.equal(report.stats.streams, 2, "TT-101.PV and @events/pump1");
});

t.test("stream gap: the device skips a streamSeq (device chain intact) → STREAM_SEQ_GAP", async (t) => {
  const { report } = await drill((l, pump) => {
    pump.stream(TAG).streamSeq += 1;
    l.submit(pump, 1, at(), series);
  });
  t.same(codesOf(report), ["STREAM_SEQ_GAP"]);
  const f = findingOf(report, "STREAM_SEQ_GAP");
  t.match(f, { seq: 5, expected: 4, computed: 5 }, "names the record and the streamSeq it skipped to");
  t.match(f.stream, /^0x[0-9a-f]{64}$/);
});

t.test("stream prev mismatch: streamPrev is not the stream's previous record → STREAM_PREV_MISMATCH", async (t) => {
  const forged = `0x${randomBytes(32).toString("hex")}`;
  const { ledger, report } = await drill((l, pump) => {
    pump.stream(TAG).streamPrev = forged as never;
    l.submit(pump, 1, at(), series);
  });
  t.same(codesOf(report), ["STREAM_PREV_MISMATCH"]);
  const third = ledger.envelopes[0]!.envelope.records[2]!;
  t.match(findingOf(report, "STREAM_PREV_MISMATCH"), { seq: 5, expected: recordHash(third.header), computed: forged });
});

t.test("stream time order: a record starts before the stream's previous one ends → STREAM_TIME_ORDER", async (t) => {
  const { report } = await drill((l, pump) => {
    pump.stream(TAG).lastTo -= 60_000;
    l.submit(pump, 1, at(), series);
  });
  t.same(codesOf(report), ["STREAM_TIME_ORDER"]);
  t.match(findingOf(report, "STREAM_TIME_ORDER"), { seq: 5, expected: /^from >= 2026-/, computed: /^2026-/ });
});

t.test("stream name conflict: a second stream id for one tag of one device → STREAM_NAME_CONFLICT", async (t) => {
  const { ledger, report } = await drill((l, pump) => {
    pump.streams.delete(TAG); // a new salt: the same name under a new stream id, which starts again at streamSeq 1
    l.submit(pump, 1, at(), series);
  });
  t.same(codesOf(report), ["STREAM_NAME_CONFLICT"]);
  const [first, second] = [ledger.envelopes[0]!.envelope.records[0]!, ledger.envelopes[2]!.envelope.records[0]!];
  t.match(findingOf(report, "STREAM_NAME_CONFLICT"), { seq: 5, expected: first.header.stream, computed: second.header.stream });
  t.match(findingOf(report, "STREAM_NAME_CONFLICT").message, /"TT-101\.PV" appears under two stream ids/);
});

t.test("body tampered in the export (header untouched) → BODY_COMMITMENT_MISMATCH", async (t) => {
  const { report } = await drill(() => {}, (ls) => { recordLine(ls, (h) => h.seq === 2).record.body.values[1] = 1e6; });
  t.same(codesOf(report), ["BODY_COMMITMENT_MISMATCH"]);
  t.match(findingOf(report, "BODY_COMMITMENT_MISMATCH"), { seq: 2, expected: /^0x[0-9a-f]{64}$/, computed: /^0x[0-9a-f]{64}$/ });
  t.equal(report.openings.invalid, 1);
});

t.test("personal opening tampered (an event's text) → PERSONAL_COMMITMENT_MISMATCH", async (t) => {
  const { report } = await drill(() => {}, (ls) => { recordLine(ls, (h) => h.kind === "event").record.personal.text = "nobody was here"; });
  t.same(codesOf(report), ["PERSONAL_COMMITMENT_MISMATCH"]);
  t.match(findingOf(report, "PERSONAL_COMMITMENT_MISMATCH"), { seq: 4 });
});

t.test("stream descriptor swapped (another salt) → STREAM_ID_MISMATCH", async (t) => {
  const { report } = await drill(() => {}, (ls) => { recordLine(ls, (h) => h.seq === 1).record.stream.salt = `0x${randomBytes(16).toString("hex")}`; });
  t.same(codesOf(report), ["STREAM_ID_MISMATCH"]);
});

t.test("a stub with no erasure record (body deleted without a trace) → BODY_MISSING", async (t) => {
  const { report } = await drill(() => {}, (ls) => {
    const line = recordLine(ls, (h) => h.seq === 2);
    line.record = { header: line.record.header, stream: line.record.stream };
  });
  t.same(codesOf(report), ["BODY_MISSING"]);
  t.match(findingOf(report, "BODY_MISSING"), { seq: 2, computed: "none" });
  t.same(report.erased, []);
});

t.test("a stub with a valid erasure record (service key, later in the log) is erased: listed, not a finding", async (t) => {
  let target: FullRecord;
  const { ledger, report } = await drill((l, pump, svc) => {
    target = l.envelopes[0]!.envelope.records[1]!;
    l.erase(svc, target, "body");
  });
  t.same(report.counts, {}, "clean");
  t.same(report.openings, { full: 4, personalErased: 0, stubs: 0, erased: 1, invalid: 0 });
  const erasure = ledger.envelopes.at(-1)!;
  t.match(report.erased, [{ index: 1, seq: 2, hash: recordHash(target!.header), scope: "body",
    erasure: { index: erasure.firstIndex, signer: ledger.envelopes.at(-1)!.envelope.header.device, requestedBy: "dpo-1" } }]);
});

t.test("an event whose personal opening was erased with evidence is erased, without evidence PERSONAL_MISSING", async (t) => {
  const { report } = await drill((l, _pump, svc) => { l.erase(svc, l.envelopes[1]!.envelope.records[0]!, "personal"); });
  t.same(report.counts, {});
  t.match(report.erased, [{ seq: 4, scope: "personal" }]);
  const missing = await drill(() => {}, (ls) => {
    const line = recordLine(ls, (h) => h.kind === "event");
    delete line.record.personal;
    delete line.record.personalSalt;
  });
  t.same(codesOf(missing.report), ["PERSONAL_MISSING"]);
});

t.test("an erasure signed by a device key → DEVICE_ROLE_MISMATCH, and its target stays BODY_MISSING", async (t) => {
  const { report } = await drill(async (l) => {
    const rogue = await l.register("rogue-device");
    l.erase(rogue, l.envelopes[0]!.envelope.records[1]!, "body");
  });
  t.same(codesOf(report), ["BODY_MISSING", "DEVICE_ROLE_MISMATCH"]);
  t.match(findingOf(report, "DEVICE_ROLE_MISMATCH"), { expected: "service", computed: "device" });
  t.match(findingOf(report, "BODY_MISSING").message, /signed by 0x[0-9a-f]{40}, a device key, not a service key/);
});

t.test("plant data signed by a service key → DEVICE_ROLE_MISMATCH", async (t) => {
  const { report } = await drill((l, _pump, svc) => { l.submit(svc, 1, at(), { make: "reading", stream: "PT-7.PV" }); });
  t.same(codesOf(report), ["DEVICE_ROLE_MISMATCH"]);
  t.match(findingOf(report, "DEVICE_ROLE_MISMATCH"), { expected: "device", computed: "service" });
});

t.test("an erasure earlier in the log than its target is no evidence → BODY_MISSING", async (t) => {
  const { report } = await drill((l, pump, svc) => {
    const next = pump.records(1, series)[0]!; // sealed, but appended only after its "erasure"
    l.erase(svc, next, "body");
    l.append(pump.sign(l.domain, [next]));
  });
  t.same(codesOf(report), ["BODY_MISSING"]);
  t.match(findingOf(report, "BODY_MISSING").message, /is not later in the log/);
});

t.test("a retired contract: checkpoints past lastValidCheckpoint → CHECKPOINT_PAST_SUCCESSION naming the successor", async (t) => {
  const ledger = await TestLedger.deploy(anvil.url);
  t.teardown(() => ledger.close());
  const pump = await ledger.register("pump-1");
  ledger.submit(pump, 2, at(), series);
  await ledger.anchor();
  ledger.submit(pump, 2, at(), series);
  await ledger.anchor();
  const successor = await ledger.retire(0);
  const report = await auditLines(await ledger.exportLines(), anvil.url);
  t.same(codesOf(report), ["CHECKPOINT_PAST_SUCCESSION"]);
  const f = findingOf(report, "CHECKPOINT_PAST_SUCCESSION");
  t.match(f, { checkpoint: 1, computed: 1 });
  t.ok(f.message.includes(successor), "says where to look: the successor's address");
});
