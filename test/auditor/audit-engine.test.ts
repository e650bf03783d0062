// The audit engine over a real v2 ledger (core-signed envelopes, LedgerAnchor v2 on anvil): clean passes, each
// tampering of the export is reported with its code.
import t from "tap";
import { recordHash } from "../../core/index.ts";
import { ledgerOnAnvil } from "./fixture/ledger-on-anvil.ts";
import { auditLines, codesOf } from "./fixture/audit-lines.ts";

type Line = Record<string, any>;

const { anvil, ledger } = await ledgerOnAnvil(t);

const pump = await ledger.register("pump-1");
const boiler = await ledger.register("boiler-2");
// Small series (5 samples) keep the ledger quick to build; readings and events go in streams of their own.
const series = { samples: 5 } as const, now = () => new Date().toISOString();
ledger.submit(pump, 20, now(), series);
ledger.submit(boiler, 15, now(), { make: "reading", stream: "PT-7.PV" });
await ledger.anchor();
ledger.submit(pump, 10, now(), series);
ledger.submit(boiler, 7, now(), { make: "event", asset: "boiler2" });
ledger.submit(pump, 5, now(), series);
await ledger.anchor();
ledger.submit(boiler, 3, now(), { make: "reading", stream: "PT-7.PV" });
await ledger.anchor();
const clean = await ledger.exportLines();

/** Applies `edit` to a deep copy of the clean export. */
const tampered = (edit: (lines: Line[]) => void): Line[] => {
  const lines = structuredClone(clean) as Line[];
  edit(lines);
  return lines;
};
const recordAt = (lines: Line[], device: string, seq: number) =>
  lines.find((l) => l.type === "record" && l.record.header.device === device && l.record.header.seq === seq)!;
const pumpAddr = pump.address.toLowerCase();

t.test("an untampered ledger is clean", async (t) => {
  const report = await auditLines(clean, anvil.url);
  t.same(report.counts, {}, "no findings");
  t.equal(report.verdict, "clean");
  t.equal(report.stats.records, 60);
  t.equal(report.stats.signaturesVerified, 6);
  t.equal(report.stats.envelopeRootsChecked, 6);
  t.equal(report.stats.checkpointsChecked, 3);
});

const cases: { name: string; edit: (lines: Line[]) => void; expect: string }[] = [
  { name: "header field changed (sealing time)", expect: "RECORD_HASH_MISMATCH",
    edit: (ls) => { recordAt(ls, pumpAddr, 4).record.header.ts = "2030-01-01T00:00:00.000Z"; } },
  { name: "a sample value changed", expect: "BODY_COMMITMENT_MISMATCH",
    edit: (ls) => { recordAt(ls, pumpAddr, 4).record.body.values[2] = 99.5; } },
  { name: "record deleted", expect: "LEAF_WITHOUT_RECORD",
    edit: (ls) => { ls.splice(ls.indexOf(recordAt(ls, pumpAddr, 7)), 1); ls.at(-1)!.counts.record--; } },
  { name: "forged record inserted", expect: "ENVELOPE_SIGNATURE_INVALID",
    edit: (ls) => {
      const last = recordAt(ls, pumpAddr, 35);
      const forged = structuredClone(last.record);
      Object.assign(forged.header, { seq: 36, prev: last.hash, streamSeq: forged.header.streamSeq + 1, streamPrev: last.hash });
      const hash = recordHash(forged.header);
      const header = { device: pumpAddr, firstSeq: 36, count: 1, recordsRoot: hash, lastHash: hash };
      const leaves = ls.find((l) => l.type === "leaves")!;
      const index = leaves.hashes.length;
      leaves.hashes.push(hash);
      const end = ls.pop()!;
      ls.splice(ls.indexOf(leaves), 0, { type: "envelope", id: "forged", header, signature: ls.find((l) => l.type === "envelope")!.signature },
        { type: "record", index, hash, envelope: "forged", record: forged });
      ls[0]!.treeSize++; ls[0]!.range.toIndex++; end.counts.envelope++; end.counts.record++; end.counts.leaves++;
      ls.push(end);
    } },
  { name: "two records reordered", expect: "SEQ_OUT_OF_ORDER",
    edit: (ls) => { const a = recordAt(ls, pumpAddr, 2), b = recordAt(ls, pumpAddr, 3); [a.index, b.index] = [b.index, a.index]; } },
  { name: "stored checkpoint root edited", expect: "CHECKPOINT_STORED_MISMATCH",
    edit: (ls) => { ls.find((l) => l.type === "checkpoint" && l.index === 1)!.root = "0x" + "ab".repeat(32); } },
  { name: "device key swapped", expect: "ENVELOPE_SIGNATURE_INVALID",
    edit: (ls) => {
      const other = "0x" + "12".repeat(20);
      for (const l of ls) {
        if (l.type === "envelope" && l.header.device === pumpAddr) l.header.device = other;
        if (l.type === "record" && l.record.header.device === pumpAddr) l.record.header.device = other;
      }
    } },
  { name: "envelope replayed under a new seq", expect: "ENVELOPE_SIGNATURE_INVALID",
    edit: (ls) => { const e = ls.find((l) => l.type === "envelope")!; e.header.firstSeq = 36; } },
  { name: "two different records with the same (device, seq)", expect: "SEQ_EQUIVOCATION",
    edit: (ls) => {
      const r = recordAt(ls, pumpAddr, 30);
      r.record.header = { ...r.record.header, seq: 29, prev: recordAt(ls, pumpAddr, 28).hash };
      r.hash = recordHash(r.record.header);
    } },
  { name: "end line missing (truncated stream)", expect: "EXPORT_TRUNCATED", edit: (ls) => { ls.pop(); } },
  { name: "checkpoint missing from the export", expect: "CHECKPOINT_MISSING",
    edit: (ls) => { ls.splice(ls.findIndex((l) => l.type === "checkpoint" && l.index === 2), 1); ls.at(-1)!.counts.checkpoint--; } },
  { name: "leaf edited (anchored root no longer rebuilt)", expect: "CHECKPOINT_ROOT_MISMATCH",
    edit: (ls) => { ls.find((l) => l.type === "leaves")!.hashes[0] = "0x" + "cd".repeat(32); } },
  { name: "prev link broken", expect: "PREV_MISMATCH",
    edit: (ls) => { const r = recordAt(ls, pumpAddr, 12); r.record.header.prev = "0x" + "ef".repeat(32); r.hash = recordHash(r.record.header); } },
  { name: "device snapshot lies about revocation", expect: "DEVICE_SNAPSHOT_MISMATCH",
    edit: (ls) => { Object.assign(ls.find((l) => l.type === "device")!, { revoked: true, revokedAtCheckpoint: 1 }); } },
];

for (const c of cases) {
  t.test(`tampered: ${c.name} → ${c.expect}`, async (t) => {
    const report = await auditLines(tampered(c.edit), anvil.url);
    t.equal(report.verdict, "findings");
    t.ok(report.counts[c.expect as keyof typeof report.counts], `reported ${c.expect}; got ${codesOf(report).join(", ")}`);
    const f = report.findings.find((x) => x.code === c.expect)!;
    t.ok(f.message.length > 0 && ("expected" in f || "computed" in f), "the finding keeps its evidence");
  });
}

t.test("a partial export (a partner's scope) is judged on what it holds: filtered records are no finding", async (t) => {
  const boilerAddr = boiler.address.toLowerCase();
  const partial = tampered((ls) => {
    ls[0]!.scope = "partial";
    for (let i = ls.length - 1; i >= 0; i--) {
      const l = ls[i]!;
      if (l.type === "record" && l.record.header.device === boilerAddr && l.record.header.seq % 2 === 0) { ls.splice(i, 1); ls.at(-1)!.counts.record--; }
    }
  });
  const report = await auditLines(partial, anvil.url);
  t.same(report.counts, {}, "clean");
  t.ok(report.stats.partialEnvelopes > 0, "envelopes with filtered records are not rebuilt");
  const edited = structuredClone(partial);
  recordAt(edited, pumpAddr, 3).record.header.ts = "2030-01-01T00:00:00.000Z";
  t.ok((await auditLines(edited, anvil.url)).counts.RECORD_HASH_MISMATCH, "tampering inside the scope is still found");
});

// These grow the shared ledger, so they run last, in order.
t.test("records left unanchored past the SLA are reported, not before", async (t) => {
  const receivedAt = Date.now() - 60 * 60_000;
  ledger.submit(boiler, 4, new Date(receivedAt).toISOString(), { make: "reading", stream: "PT-7.PV" });
  const lines = await ledger.exportLines();
  const late = await auditLines(lines, anvil.url, { now: receivedAt + 61 * 60_000, slaMs: 60 * 60_000 });
  t.equal(late.counts.RECORD_UNANCHORED_PAST_SLA, 4, "the 4 unanchored records are past the 1 h SLA");
  t.same(codesOf(late), ["RECORD_UNANCHORED_PAST_SLA"]);
  const early = await auditLines(lines, anvil.url, { now: receivedAt + 59 * 60_000, slaMs: 60 * 60_000 });
  t.same(early.counts, {}, "within the SLA: clean");
  await ledger.anchor();
});

t.test("revocation: records first anchored after it fail, records anchored before it pass", async (t) => {
  await ledger.revoke(pump);
  ledger.submit(pump, 3, now(), series);
  await ledger.anchor();
  const report = await auditLines(await ledger.exportLines(), anvil.url);
  t.same(codesOf(report), ["RECORD_AFTER_REVOCATION"], "only the revocation finding");
  t.equal(report.counts.RECORD_AFTER_REVOCATION, 3, "only the 3 records anchored after the revocation");
  t.same(report.findings.map((f) => f.seq), [36, 37, 38]);
  const f = report.findings[0]!;
  t.equal(f.checkpoint, 4, "first anchored at checkpoint 4");
  t.equal(f.expected, "< 4", "the device was revoked when 4 checkpoints existed");
});
