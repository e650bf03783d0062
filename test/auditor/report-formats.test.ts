// The text and HTML reports show v2's findings (with their stream) and list erased records, which are no findings.
import t from "tap";
import { formatReport } from "../../auditor/audit/report-text.ts";
import { renderHtmlReport } from "../../auditor/audit/report-html.ts";
import { syntheticReport } from "./fixture/synthetic-report.ts";

const report = syntheticReport();
const stream = "0x" + "5a".repeat(32);
report.findings = [...report.findings, { code: "STREAM_SEQ_GAP", message: "device 0xd0…: streamSeq jumps from 3 to 5 (1 missing)", device: report.devices[0]!.address, stream, seq: 9, expected: 4, computed: 5 },
  { code: "BODY_MISSING", message: "series record seq 12 has no body (a stub) and no valid erasure evidence", device: report.devices[1]!.address, seq: 12, expected: "an erasure record", computed: "none" }];
report.counts = { ...report.counts, STREAM_SEQ_GAP: 1, BODY_MISSING: 1 };
report.totalFindings += 2;

t.test("text: openings line, the erased list with reason and signer, new finding codes", async (t) => {
  const text = formatReport(report);
  t.match(text, /openings: 119997 full, 3 erased \(with erasure evidence\)/);
  t.match(text, /ERASED: 3 \(not findings: each has an erasure record signed by a service key, later in the log\)/);
  t.match(text, /series seq 26 of 0x[0-9a-f]{40} \(leaf 100\), body erased by leaf 119997 \(0x[0-9a-f]{40}\): GDPR art\. 17 request, requested by dpo/);
  t.match(text, /STREAM_SEQ_GAP ×1\n\s+✗ device 0xd0…: streamSeq jumps/);
  t.match(text, /BODY_MISSING ×1/);
  t.match(text, /4 streams/);
});

t.test("text: a clean ledger with no erasure says nothing about erasures", async (t) => {
  const clean = { ...syntheticReport(), verdict: "clean" as const, counts: {}, totalFindings: 0, findings: [], erased: [], openings: { full: 10, personalErased: 0, stubs: 0, erased: 0, invalid: 0 } };
  const text = formatReport(clean);
  t.notMatch(text, /ERASED/);
  t.match(text, /openings: 10 full, 0 erased/);
});

t.test("HTML: an erased-records table, the openings summary, a finding's stream", async (t) => {
  const html = await renderHtmlReport(report);
  t.match(html, /<h2>Erased records<\/h2><p id="openings-summary">119997 records full, 3 erased with evidence\.<\/p>/);
  const table = /<table id="erased-table"[^]*?<\/table>/.exec(html)?.[0] ?? "";
  t.equal((table.match(/<tr>/g) ?? []).length, 4, "a header row and one row per erased record");
  t.match(table, /GDPR art\. 17 request/);
  t.match(html, new RegExp(`stream <code>${stream}</code>`));
  t.match(html, /<code>BODY_MISSING<\/code>/);
});
