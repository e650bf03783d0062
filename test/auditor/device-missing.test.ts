// Issue item 12: a registered device whose every row is deleted from the database is named by the audit (from
// LedgerAnchor's DeviceRegistered events), while a registered device that has sent nothing yet stays clean.
// Drill style as tamper-drills.test.ts: a copy of a real ledger database, edited as superuser, served by the real
// app and audited through GET /v1/export.
import t from "tap";
import pg from "pg";
import { startTestChain } from "../helpers/chain.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { openExportStream } from "../../auditor/format/export-api.ts";
import { auditLines, codesOf } from "./fixture/audit-lines.ts";
import { auditTamperedCopy, auditorKey, copyDatabase, newServiceKeys, startService } from "./fixture/drill-service.ts";

const chain = await startTestChain();
const keys = newServiceKeys();
const ledger = await startService(chain, keys);
const gone = await ledger.newDevice();
const kept = await ledger.newDevice();
// Anchored one envelope at a time (checkpoint sizes 15, 20, 35, 45), so that deleting `gone`'s leaves shifts
// `kept`'s later leaves under checkpoint 1 (size 20): its root can no longer be rebuilt.
let size = 0;
for (const [device, n] of [[kept, 15], [gone, 5], [gone, 15], [kept, 10]] as const) {
  const res = await ledger.submit(device.envelope(ledger.domain, n));
  if (res.status !== 201) throw new Error(`fixture submit: ${res.status} ${JSON.stringify(res.body)}`);
  await ledger.waitAnchored(size += n);
}
// Registered after every record was anchored, and silent: it cannot be behind any hole in the anchored log.
const silent = await ledger.newDevice();
const bytes = (hex: string) => Buffer.from(hex.slice(2), "hex");
await waitFor(async () => (await ledger.ownerDb.query("SELECT 1 FROM devices WHERE address = $1", [bytes(silent.address)])).rowCount === 1,
  { what: "the registry mirror to pick up the silent device" });
await ledger.close();
t.teardown(async () => {
  await chain.close();
  await stopTestCluster();
});

const auditDatabase = (tamper?: (db: pg.Client) => Promise<void>) => auditTamperedCopy(chain, keys, ledger, tamper);

/** Every row of the device: its records, envelopes, registry mirror and API metadata (its leaves go with its records, migration 0110). */
const deleteDevice = (address: string) => async (db: pg.Client) => {
  const device = bytes(address);
  const records = await db.query("DELETE FROM records WHERE device = $1", [device]);
  const envelopes = await db.query("DELETE FROM envelopes WHERE device = $1", [device]);
  await db.query("DELETE FROM devices WHERE address = $1", [device]);
  await db.query("DELETE FROM api_devices WHERE address = $1", [device]);
  if (records.rowCount === 0 || envelopes.rowCount === 0) throw new Error("the drill deleted nothing");
};

t.test("untampered, with a registered device that has sent nothing: clean", async (t) => {
  const report = await auditDatabase();
  t.same(report.counts, {}, "no findings");
  const listed = report.devices.find((d) => d.address === silent.address);
  t.ok(listed, "the silent device is in the report");
  t.equal(listed?.records, 0, "with no records");
});

const named = (f: { devices?: string[] }, address: string) => f.devices?.includes(address) === true;

/** The untampered export's lines. */
async function exportLines(name: string): Promise<Record<string, any>[]> {
  const database = await copyDatabase(ledger.database, `missing_${process.pid}_${name}`);
  const service = await startService(chain, keys, { database, workers: false });
  try {
    const lines: Record<string, any>[] = [];
    for await (const raw of await openExportStream(service.url, await auditorKey(service, keys.adminKey))) {
      lines.push("text" in raw ? JSON.parse(raw.text) : (raw as { value: Record<string, any> }).value);
    }
    return lines;
  } finally {
    await service.close();
  }
}

// The database can no longer keep a leaf without its record (leaves are the records' hashes), so the holes are
// made where they can still be: an export that withholds a device's envelope and record lines but keeps the
// log's leaves.
t.test("every line of a device withheld from the export, the leaves kept: the device and the holes name it", async (t) => {
  const lines = await exportLines("holes");
  const envelopes = new Set(lines.filter((l) => l.type === "envelope" && l.header.device === gone.address).map((l) => l.id));
  const withheld = lines.filter((l) => !(l.type === "envelope" && envelopes.has(l.id)) && !(l.type === "record" && envelopes.has(l.envelope)));
  const end = withheld.at(-1)!;
  end.counts.envelope -= envelopes.size;
  end.counts.record -= 20;
  t.equal(withheld.length, lines.length - envelopes.size - 20, "its 2 envelopes and 20 records withheld");
  const report = await auditLines(withheld, chain.rpcUrl);
  const suspects = report.findings.filter((f) => f.code === "DEVICE_RECORDS_MISSING");
  const finding = suspects.find((f) => f.device === gone.address);
  t.ok(finding, `DEVICE_RECORDS_MISSING names the deleted device (got ${codesOf(report).join(", ")})`);
  const evidence = finding?.expected as { registeredAtBlock: number; txHash: string } | undefined;
  t.ok(evidence && evidence.registeredAtBlock > chain.deployBlock, "evidence: the registration block");
  t.match(evidence?.txHash, /^0x[0-9a-f]{64}$/, "evidence: the registration tx");
  t.equal((finding?.computed as { leavesWithoutRecordSince?: number } | undefined)?.leavesWithoutRecordSince, 20, "its 20 records are the holes");
  t.notOk(suspects.some((f) => f.device === silent.address || f.device === kept.address),
    "neither the device with records nor the one registered after the holes were anchored is suspected");
  const holes = report.findings.filter((f) => f.code === "LEAF_WITHOUT_RECORD");
  t.equal(report.counts.LEAF_WITHOUT_RECORD, 20);
  t.ok(holes.length === 20 && holes.every((f) => named(f, gone.address) && !named(f, silent.address) && !named(f, kept.address)),
    "each hole names the deleted device as a suspect, never the other two");
});

t.test("every row of a device deleted (so its leaves): the root mismatch names it", async (t) => {
  const report = await auditDatabase(deleteDevice(gone.address));
  t.ok(report.findings.some((f) => f.code === "DEVICE_RECORDS_MISSING" && f.device === gone.address), "the device is named");
  const mismatches = report.findings.filter((f) => f.code === "CHECKPOINT_ROOT_MISMATCH");
  t.ok(mismatches.length > 0, `checkpoint 1's root is no longer rebuilt (got ${codesOf(report).join(", ")})`);
  t.ok(mismatches.every((f) => named(f, gone.address) && f.message.includes(gone.address) && !named(f, silent.address) && !named(f, kept.address)),
    "each mismatch names the deleted device as a suspect");
});

t.test("an export that leaves out a registered device's line: DEVICE_MISSING_FROM_EXPORT, and nothing else", async (t) => {
  const database = await copyDatabase(ledger.database, `missing_${process.pid}_export`);
  const service = await startService(chain, keys, { database, workers: false });
  t.teardown(() => service.close());
  const lines: Record<string, any>[] = [];
  for await (const raw of await openExportStream(service.url, await auditorKey(service, keys.adminKey))) {
    lines.push("text" in raw ? JSON.parse(raw.text) : (raw as { value: Record<string, any> }).value);
  }
  const withheld = structuredClone(lines).filter((l) => !(l.type === "device" && l.address === silent.address));
  t.equal(withheld.length, lines.length - 1, "the silent device's line removed");
  withheld.at(-1)!.counts.device--;
  const report = await auditLines(withheld, chain.rpcUrl);
  t.same(codesOf(report), ["DEVICE_MISSING_FROM_EXPORT"]);
  t.equal(report.findings[0]?.device, silent.address, "names the device");
  t.match(report.findings[0]?.expected, { registeredAtBlock: Number, txHash: /^0x[0-9a-f]{64}$/ }, "with its registration as evidence");
  t.same(codesOf(await auditLines(lines, chain.rpcUrl)), [], "the same export with the line kept is clean");
});
