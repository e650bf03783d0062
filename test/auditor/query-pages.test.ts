// The parts of `otledger query` below the CLI, on real answers (a real ledger, the service's buildStreamAnswer):
// consecutive pages chain and a skipped page, another stream or another window end break the chain; rows are the
// signed samples inside the window and one per event; the CSV is RFC 4180 (read back with csv-parse) and written
// atomically (an aborted sink leaves nothing).
import t from "tap";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stubOf, type FullRecord, type StreamAnswer } from "../../core/index.ts";
import type { ChainConnection } from "../../server/chain/connection.ts";
import { buildStreamAnswer } from "../../server/api/stream-answer.ts";
import { checkPageContinues } from "../../auditor/verify-query/pages.ts";
import { answerRows, columnsOf, SAMPLE_COLUMNS } from "../../auditor/verify-query/rows.ts";
import { InputError } from "../../auditor/format/input-error.ts";
import { openRowSink } from "../../auditor/verify-query/output.ts";
import { startApiLedger } from "../api/harness.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);
const api = await startApiLedger();
t.teardown(() => api.close());
const dir = await mkdtemp(join(tmpdir(), "otledger-query-pages-"));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const device = await api.newDevice();
for (const env of [device.envelope(api.domain, 6), device.envelope(api.domain, 3, { stream: "FT-3.PV" }), device.envelope(api.domain, 3, { make: "event" })]) {
  const res = await api.submit(env);
  if (res.status >= 300) throw new Error(`submit: ${res.status}`);
}
await api.waitAnchored(12);
const chain = { chainId: Number(api.domain.chainId), contractAddress: api.domain.verifyingContract } as unknown as ChainConnection;
const ask = async (name: string, from: string, to: string, limit: number) =>
  await buildStreamAnswer(api.ownerDb, chain, { device: device.address, name, from, to, limit }) as StreamAnswer;
const TO = "2026-11-24T12:05:30.000Z";
// Series 1…6 span 12:00:00–12:05:59; pages of two records from 12:00:30, each next page from the next record's start.
const page1 = await ask("TT-101.PV", "2026-11-24T12:00:30.000Z", TO, 2);
const page2 = await ask("TT-101.PV", page1.after!.record.header.from, TO, 2);
const page3 = await ask("TT-101.PV", page2.after!.record.header.from, TO, 2);

t.test("consecutive pages chain; a skipped page, another stream, another window end do not", async (t) => {
  t.same([page1, page2, page3].map((p) => [p.truncated, p.records.length]), [[true, 2], [true, 2], [false, 2]]);
  t.same(checkPageContinues(page1, page2, 2), { name: "page_chain", ok: true });
  t.same(checkPageContinues(page2, page3, 3), { name: "page_chain", ok: true });
  t.match(checkPageContinues(page1, page3, 2), { ok: false, code: "page_chain_broken", message: /begins at streamSeq 5, not at the record page 1 named next \(streamSeq 3\)/ });
  t.match(checkPageContinues(page3, page3, 2), { ok: false, code: "page_chain_broken", message: /page 1 was complete/ });
  const ft = await ask("FT-3.PV", "2026-11-24T12:00:00.000Z", TO, 2);
  t.match(checkPageContinues(page1, ft, 2), { ok: false, code: "page_stream_mismatch" });
  t.match(checkPageContinues(page1, { ...page2, window: { ...page2.window, to: "2026-11-24T12:05:00.000Z" } }, 2), { ok: false, code: "page_window_mismatch" });
  const empty = { ...page2, records: [] };
  t.match(checkPageContinues(page1, empty, 2), { ok: false, code: "page_chain_broken", message: /no records/ });
});

t.test("rows: the samples inside the window, in order, as signed; one row per event", async (t) => {
  const rows = [page1, page2, page3].flatMap(answerRows);
  t.equal(rows.length, 30 + 4 * 60 + 30, "half of series 1, series 2–5, half of series 6");
  t.equal(rows[0]!.ts, "2026-11-24T12:00:30.000Z");
  t.equal(rows.at(-1)!.ts, "2026-11-24T12:05:29.000Z");
  t.ok(rows.every((r, i) => i === 0 || r.ts! > rows[i - 1]!.ts!), "strictly in time order, no duplicate across pages");
  t.match(rows[0], { device: device.address, stream: "TT-101.PV", record: /^0x[0-9a-f]{64}$/, value: Number, dataType: "Double", unit: "°C", status: 0, serverTs: "2026-11-24T12:00:30.000Z" });
  t.same(Object.keys(rows[0]!), [...SAMPLE_COLUMNS]);
  const events = answerRows(await ask("@events/pump1", "2026-11-24T11:00:00.000Z", TO, 10));
  t.equal(events.length, 3);
  t.match(events[0], { type: "maintenance", asset: "pump1", workOrder: "WO-4711", actor: "technician 7", text: "replaced seal" });
});

t.test("rows: a stub in the answer (a record only partly inside a partner's window) gives no rows", async (t) => {
  const first = page1.records[0]!;
  const withStub = { ...page1, records: [{ ...first, record: stubOf(first.record as FullRecord) }, ...page1.records.slice(1)] };
  const rows = answerRows(withStub);
  t.equal(rows.length, answerRows(page1).length - answerRows({ ...page1, records: [first] }).length, "the stub's samples are not invented");
  t.notOk(rows.some((r) => r.record === answerRows({ ...page1, records: [first] })[0]!.record), "no row names the stubbed record");
});

t.test("CSV is RFC 4180: what csv-parse reads back is what was written", async (t) => {
  const out = join(dir, "tricky.csv");
  const sink = await openRowSink("csv", columnsOf("events"), out);
  const tricky = { device: "0xab", stream: "@events/a,b", record: "0x01", index: 7, ts: "2026-11-24T12:00:00.000Z", type: "note", asset: "line \"3\"", workOrder: null,
    sourceSystem: "MES", sourceRef: "=1+1", actor: "Zoë", text: "two\nlines, and \"quotes\"" };
  await sink.write([tricky]);
  await sink.write([{ ...tricky, index: 8, text: "" }]);
  await sink.commit();
  const text = await readFile(out, "utf8");
  t.ok(text.startsWith("\ufeffdevice,stream,"), "a BOM, then the header");
  t.match(text, /\r\n/, "CRLF records");
  const back = parse(text, { bom: true, columns: true }) as Record<string, string>[];
  t.equal(back.length, 2);
  t.same(back[0], { ...tricky, index: "7", workOrder: "" });
  t.equal(back[1]!.text, "");
  t.same(await readdir(dir), ["tricky.csv"], "no temp file left beside it");
});

t.test("booleans are spelled out; an aborted sink leaves nothing; an unwritable place is an output_unwritable InputError", async (t) => {
  const out = join(dir, "bool.csv");
  const sink = await openRowSink("csv", ["value"], out);
  await sink.write([{ value: true }, { value: false }]);
  await sink.commit();
  t.same(parse(await readFile(out, "utf8"), { bom: true, columns: true }), [{ value: "true" }, { value: "false" }]);
  const aborted = join(dir, "aborted.ndjson");
  const s2 = await openRowSink("ndjson", ["value"], aborted);
  await s2.write([{ value: 1 }]);
  await s2.abort();
  t.notOk((await readdir(dir)).some((f) => f.includes("aborted")), "neither the file nor its temp");
  await t.rejects(openRowSink("csv", ["value"], join(dir, "no-such-dir", "x.csv")), InputError);
});
