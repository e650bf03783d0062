import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { recordHash, RecordSchema, type Record } from "../../core/index.ts";
import { Spool, type RecordDraft, type SpoolAlarm } from "../../edge/spool/spool.ts";

const device = "0x1111111111111111111111111111111111111111";
const reading = (v: number): RecordDraft => ({
  kind: "reading", ts: new Date(1_800_000_000_000 + v).toISOString(),
  body: { tag: "P-101.Flow", nodeId: "ns=1;s=P-101.Flow", value: { t: "Double", v }, unit: "m³/h", status: 0, sourceTs: null, serverTs: null },
});

function allRecords(spool: Spool): Record[] {
  return spool.pending(1e9).map((r) => RecordSchema.parse(JSON.parse(r.json)));
}

/** Seqs where the chain breaks: a seq out of order or a prev that is not the previous record's hash. */
function chainBreaks(records: Record[], from = 1): number[] {
  return records.filter((r, i) => r.seq !== from + i || (i > 0 && r.prev !== recordHash(records[i - 1]!))).map((r) => r.seq);
}

t.test("seq/prev chain continues exactly across a reopen", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "spool-"));
  let spool = new Spool(dir, { device, maxBytes: 1e9, whenFull: "keep-oldest" });
  spool.append([reading(1), reading(2), reading(3)]);
  const before = spool.head();
  spool.close();
  spool = new Spool(dir, { device, maxBytes: 1e9, whenFull: "keep-oldest" });
  t.same(spool.head(), before, "head survives reopen");
  spool.append([reading(4)]);
  const records = allRecords(spool);
  t.equal(records.length, 4);
  t.equal(records[0]!.prev, null, "first record has prev null");
  t.same(chainBreaks(records), [], "seq 1..4, each linked to the previous");
  t.equal(recordHash(records[3]!), spool.head().lastHash, "stored hash is core's recordHash");
  spool.markSent(1, 4, { ok: true });
  spool.purgeVerified([1, 2, 3, 4]);
  spool.close();
  spool = new Spool(dir, { device, maxBytes: 1e9, whenFull: "keep-oldest" });
  const [next] = spool.append([reading(5)]).records;
  t.equal(next!.seq, 5, "chain continues after every record was purged");
  t.equal(next!.prev, recordHash(records[3]!));
  t.equal(spool.stats().lastAnchoredSeq, 4);
  spool.close();
  t.throws(() => new Spool(dir, { device: "0x2222222222222222222222222222222222222222", maxBytes: 1e9, whenFull: "keep-oldest" }), { code: "spool_device_mismatch" });
});

t.test("last anchored seq is a watermark: a record kept after a failed proof holds it back", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "spool-watermark-"));
  const spool = new Spool(dir, { device, maxBytes: 1e9, whenFull: "keep-oldest" });
  t.teardown(() => spool.close());
  spool.append([1, 2, 3, 4, 5, 6].map((seq) => reading(seq)));
  spool.markSent(1, 6, { ok: true });
  spool.purgeVerified([1, 2, 4, 5]); // 3 failed its proof and is kept
  t.equal(spool.stats().lastAnchoredSeq, 2, "not 5: record 3 is not verified");
  spool.purgeVerified([3]);
  t.equal(spool.stats().lastAnchoredSeq, 5, "3 verified: everything up to 5 is");
  spool.purgeVerified([6]);
  t.equal(spool.stats().lastAnchoredSeq, 6);
});

t.test("SIGKILL while appending loses no committed record and leaves no gap", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "spool-kill-"));
  const child = spawn(process.execPath, ["--experimental-strip-types", "--no-warnings", join(import.meta.dirname, "fixtures/spool-writer.ts"), dir, device], { stdio: ["ignore", "pipe", "inherit"] });
  let reported = 0;
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      const lines = chunk.toString().trim().split("\n");
      reported = Math.max(reported, Number(lines.at(-1)));
      if (reported >= 2000) {
        child.kill("SIGKILL");
        resolve();
      }
    });
  });
  await new Promise((r) => child.once("exit", r));
  const spool = new Spool(dir, { device, maxBytes: 1e9, whenFull: "keep-oldest" });
  const records = allRecords(spool);
  t.ok(records.length >= reported, `every reported record (${reported}) survived; found ${records.length}`);
  t.equal(spool.head().lastSeq, records.length, "head matches the last stored record");
  const [next] = spool.append([reading(0)]).records;
  records.push(next!);
  t.same(chainBreaks(records), [], "chain has no gap and no reused seq after the kill");
  spool.close();
});

t.test("full spool, keep-oldest: readings refused with an alarm, then an outage record", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "spool-full-"));
  const alarms: SpoolAlarm[] = [];
  const spool = new Spool(dir, { device, maxBytes: 4096, whenFull: "keep-oldest", onAlarm: (a) => alarms.push(a) });
  let produced = 0;
  let refused = 0;
  for (let i = 0; i < 40; i++) {
    const r = spool.append([reading(i)]);
    produced += r.records.length;
    refused += r.refused;
  }
  t.ok(refused > 0, "some readings were refused");
  t.equal(produced + refused, 40, "every reading is either stored or counted as refused");
  t.ok(alarms.some((a) => a.code === "spool_full"), "spool_full alarm raised");
  t.equal(spool.stats().refusedReadings, refused);
  const kept = allRecords(spool);
  t.equal((kept[0]!.body as { value: { v: number } }).value.v, 0, "oldest readings kept");
  spool.markSent(1, produced, null);
  spool.purgeVerified(kept.map((r) => r.seq));
  const after = spool.append([reading(100)]).records;
  t.equal(after.length, 2, "an outage event precedes the next admitted reading");
  t.equal(after[0]!.kind, "event");
  t.match((after[0]!.body as { text: string }).text, new RegExp(`${refused} readings not recorded`));
  t.equal(after[0]!.seq, produced + 1, "no gap in seq across the full period");
  spool.close();
});

t.test("full spool, keep-newest: delivered records are evicted first, pending never", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "spool-newest-"));
  const alarms: SpoolAlarm[] = [];
  const spool = new Spool(dir, { device, maxBytes: 4096, whenFull: "keep-newest", onAlarm: (a) => alarms.push(a) });
  for (let i = 0; i < 5; i++) spool.append([reading(i)]);
  spool.markSent(1, 5, { receipt: true });
  let refused = 0;
  for (let i = 5; i < 40; i++) refused += spool.append([reading(i)]).refused;
  t.ok(alarms.some((a) => a.code === "spool_evicted_unaudited"), "eviction alarmed");
  t.equal(spool.awaitingAudit(100).length, 0, "sent records were evicted");
  t.ok(refused > 0, "once only pending records remain, readings are refused");
  const pending = allRecords(spool);
  t.same(chainBreaks(pending, 6), [], "pending records 6.. stay a whole chain");
  spool.close();
});
