// An export taken while its newest leaves were not yet anchored stays clean once a later checkpoint covers them
// (regression: a checkpoint anchored after the export's snapshot was reported CHECKPOINT_MISSING), while a
// checkpoint the export leaves out although it existed at the snapshot is still a finding.
import t from "tap";
import { ledgerOnAnvil } from "./fixture/ledger-on-anvil.ts";
import { auditLines } from "./fixture/audit-lines.ts";

const { anvil, ledger } = await ledgerOnAnvil(t);

const pump = await ledger.register("pump-1");
ledger.submit(pump, 12);
await ledger.anchor();
ledger.submit(pump, 5); // in the log, not yet anchored when the export is taken
const exported = await ledger.exportLines();
await ledger.anchor(); // now anchored, after the export's registry block

t.test("a checkpoint anchored after the export is not missing from it", async (t) => {
  const report = await auditLines(exported, anvil.url);
  t.same(report.counts, {}, "no findings");
  t.equal(report.stats.checkpointsChecked, 2, "the later checkpoint's root is still checked against the exported leaves");
});

t.test("a checkpoint that existed at the snapshot but is left out is still reported", async (t) => {
  const lines = structuredClone(exported) as Record<string, any>[];
  lines.splice(lines.findIndex((l) => l.type === "checkpoint"), 1);
  const end = lines.at(-1)!;
  if (end.counts?.checkpoint !== undefined) end.counts.checkpoint--;
  const report = await auditLines(lines, anvil.url);
  t.ok(report.counts.CHECKPOINT_MISSING, "CHECKPOINT_MISSING");
});
