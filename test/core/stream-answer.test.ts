// verifyStreamAnswer (docs/PROTOCOL.md §11.2): honest answers verify; each drill of a dishonest service yields its code.
import t from "tap";
import { stubOf, verifyStreamAnswer, type FullRecord, type StreamAnswer } from "../../core/index.ts";
import { streamLog } from "./helpers/stream-log.ts";

const log = streamLog(10); // A at minutes 0, 2, …, 18; B at 1, 3, …, 19
const failed = (a: unknown) => verifyStreamAnswer(a, log.facts).checks.filter((c) => !c.ok).map((c) => c.code);
const copy = (a: StreamAnswer): StreamAnswer => structuredClone(a);

t.test("honest answers verify", async (t) => {
  const cases: [string, StreamAnswer, { fromStart: boolean; toNewestAnchored: boolean }][] = [
    ["middle", log.answer("A", 5, 11), { fromStart: false, toNewestAnchored: false }],
    ["empty window (two enclosing stubs)", log.answer("A", 5, 6), { fromStart: false, toNewestAnchored: false }],
    ["at the start", log.answer("A", 0, 5), { fromStart: true, toNewestAnchored: false }],
    ["reaching the present", log.answer("B", 12, 99), { fromStart: false, toNewestAnchored: true }],
    ["the whole stream", log.answer("B", 0, 99), { fromStart: true, toNewestAnchored: true }],
  ];
  for (const [name, a, proven] of cases) {
    const r = verifyStreamAnswer(a, log.facts);
    t.ok(r.ok, name, { failed: r.checks.filter((c) => !c.ok) });
    t.match(r.proven, proven, name);
  }
  t.equal(log.answer("A", 5, 6).records.length, 0);
  const page = log.answer("A", 0, 99, 3);
  t.ok(page.truncated);
  t.ok(verifyStreamAnswer(page, log.facts).ok, "a truncated page verifies");
});

t.test("drills: each manipulation is detected with its code", async (t) => {
  const honest = log.answer("A", 5, 13); // records at minutes 6, 8, 10, 12
  t.equal(honest.records.length, 4);

  const omit = copy(honest);
  omit.records.splice(1, 1);
  omit.proof = log.answer("A", 5, 13).proof; // the proof no longer fits either
  t.ok(failed(omit).includes("stream_gap"), "omit one record");

  const moved = copy(honest); // the server drops the first in-window record and calls it the boundary
  moved.before = { index: moved.records[0]!.index, record: stubOf(moved.records[0]!.record as FullRecord) };
  moved.records.shift();
  t.ok(failed(moved).includes("stream_boundary_inside_window"), "boundary moved inside");

  const other = copy(honest);
  other.records[1] = log.answer("B", 7, 8).records[0]!;
  const otherCodes = failed(other);
  t.ok(otherCodes.includes("stream_id_mismatch") && otherCodes.includes("stream_gap"), `another stream's record: ${otherCodes}`);

  const stubbed = copy(honest);
  stubbed.records[2] = { index: stubbed.records[2]!.index, record: stubOf(stubbed.records[2]!.record as FullRecord) };
  t.same(failed(stubbed), ["stub_in_window"], "stub in place of an in-scope record");

  const tampered = copy(honest);
  tampered.proof[0] = `0x${"00".repeat(32)}`;
  t.same(failed(tampered), ["inclusion_invalid"], "tampered proof");

  const shortProof = copy(honest);
  shortProof.proof.pop();
  t.same(failed(shortProof), ["inclusion_invalid"], "proof of the wrong length");

  const opened = copy(honest);
  (opened.records[0]!.record as FullRecord).body = { ...(opened.records[0]!.record as FullRecord).body, status: 1 } as FullRecord["body"];
  t.same(failed(opened), ["record_opening_invalid"], "a body that does not open its commitment");

  const outside = copy(honest);
  outside.window = { from: outside.window.from, to: "2026-11-24T22:11:00.000Z" };
  t.ok(failed(outside).includes("stream_record_outside_window"), "a record outside the window");

  const noStart = copy(honest);
  noStart.before = null;
  t.ok(failed(noStart).includes("stream_gap"), "claiming the stream starts in the window");

  const wrongRoot = structuredClone(log.facts);
  wrongRoot.checkpoint!.root = `0x${"11".repeat(32)}`;
  const codes = verifyStreamAnswer(honest, wrongRoot).checks.filter((c) => !c.ok).map((c) => c.code);
  t.same(codes, ["checkpoint_root_mismatch", "inclusion_invalid"], "the checkpoint root on-chain differs");

  const unregistered = structuredClone(log.facts);
  unregistered.device.registered = false;
  t.same(verifyStreamAnswer(honest, unregistered).checks.filter((c) => !c.ok).map((c) => c.code), ["device_not_registered"]);

  t.same(failed({ ...honest, extra: 1 }), ["stream_answer_schema"]);
});

t.test("committed vectors (docs/vectors/stream-answer.json): honest answers verify, each drill gives its code", async (t) => {
  const { readFileSync } = await import("node:fs");
  const v = JSON.parse(readFileSync(new URL("../../docs/vectors/stream-answer.json", import.meta.url), "utf8"));
  for (const h of v.honest) t.ok(verifyStreamAnswer(h.answer, v.facts).ok, h.name);
  for (const d of v.drills) t.ok(verifyStreamAnswer(d.answer, v.facts).checks.some((c) => c.code === d.code), `${d.name}: ${d.code}`);
});
