// Tamper drills (issue 6): the real ledger service (PostgreSQL + anvil) ingests and anchors; then, on a copy of its
// database per drill, a hostile operator edits PostgreSQL directly as superuser (triggers bypassed with
// session_replication_role = replica, constraints dropped where needed). The real service then serves the copy and
// the auditor audits its GET /v1/export against the chain. Prints a detection table.
import t from "tap";
import pg from "pg";
import { Wallet } from "ethers";
import { buildEnvelope, canonicalString, recordHash, recordsRoot, type Record as CoreRecord } from "../../core/index.ts";
import { startTestChain } from "../helpers/chain.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import type { TestDevice } from "../helpers/envelopes.ts";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codesOf } from "./fixture/audit-lines.ts";
import { runCli } from "./fixture/run-cli.ts";
import { auditTamperedCopy, auditorKey, copyDatabase, newServiceKeys, startService } from "./fixture/drill-service.ts";

const chain = await startTestChain();
const keys = newServiceKeys();
const ledger = await startService(chain, keys);
const a = await ledger.newDevice();
const b = await ledger.newDevice();
for (const [device, n] of [[a, 20], [b, 15], [a, 10], [b, 5]] as [TestDevice, number][]) {
  const res = await ledger.submit(device.envelope(ledger.domain, n));
  if (res.status !== 201) throw new Error(`fixture submit: ${res.status} ${JSON.stringify(res.body)}`);
}
await ledger.waitAnchored(50);
await ledger.submit(a.envelope(ledger.domain, 5));
await ledger.waitAnchored(55);
await ledger.close(); // the service stops; its database (the template of every drill) and the chain stay
t.teardown(async () => {
  await chain.close();
  await stopTestCluster(); // the test cluster would otherwise keep the process alive
});
let db: pg.Client; // the drill's database, as superuser

const bytes = (hex: string) => Buffer.from(hex.slice(2), "hex");
const A = bytes(a.address);
const one = async (sql: string, params: unknown[] = []) => {
  const res = await db.query(sql, params);
  if (res.rowCount === 0) throw new Error(`drill statement changed nothing: ${sql}`);
  return res.rows;
};
const recordOf = async (device: Buffer, seq: number) =>
  (await one("SELECT leaf_index, hash, envelope_id, canonical FROM records_indexed WHERE device = $1 AND seq = $2", [device, seq]))[0];
const treeSize = async () => Number((await one("SELECT count(*) AS n FROM leaves"))[0].n);

/**
 * Appends records as the service would (envelope row with first_index, record rows, leaves; a record's leaf index
 * is first_index + seq - first_seq), with whatever signature the operator has.
 */
async function append(records: CoreRecord[], signature: Buffer): Promise<void> {
  const first = await treeSize();
  const hashes = records.map(recordHash);
  const [env] = await one(`INSERT INTO envelopes (device, first_seq, count, records_root, last_hash, signature, first_index)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, [bytes(records[0]!.device), records[0]!.seq, records.length, bytes(recordsRoot(hashes)), bytes(hashes.at(-1)!), signature, first]);
  for (const [i, r] of records.entries()) {
    await one(`INSERT INTO records (hash, device, seq, prev, ts, kind, envelope_id, payload, canonical) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [bytes(hashes[i]!), bytes(r.device), r.seq, r.prev && bytes(r.prev), r.ts, r.kind, env.id, canonicalString(r), canonicalString(r)]);
    await one("INSERT INTO leaves (idx, hash) VALUES ($1, $2)", [first + i, bytes(hashes[i]!)]);
  }
}
const someSignature = async () => (await one("SELECT signature FROM envelopes LIMIT 1"))[0].signature as Buffer;

const drills: { name: string; expect: string; tamper: () => Promise<void> }[] = [
  { name: "payload value changed", expect: "RECORD_HASH_MISMATCH", tamper: async () => {
    const r = await recordOf(A, 5);
    const record = JSON.parse(r.canonical);
    record.body.value.v = 9999.5;
    await one("UPDATE records SET payload = $2, canonical = $3 WHERE device = $1 AND seq = 5", [A, canonicalString(record), canonicalString(record)]);
  } },
  { name: "record deleted", expect: "LEAF_WITHOUT_RECORD", tamper: async () => {
    await one("DELETE FROM records WHERE device = $1 AND seq = 7", [A]);
  } },
  { name: "forged record inserted", expect: "ENVELOPE_SIGNATURE_INVALID", tamper: async () => {
    const last = await recordOf(A, 35);
    const forged: CoreRecord = { ...JSON.parse(last.canonical), seq: 36, prev: "0x" + last.hash.toString("hex") };
    await append([forged], await someSignature());
  } },
  { name: "two records reordered", expect: "SEQ_OUT_OF_ORDER", tamper: async () => {
    // Seq 2 and 3 trade places in the log: their rows swap seq (so their leaf indexes) and the leaves follow.
    const [r2, r3] = [await recordOf(A, 2), await recordOf(A, 3)];
    await one("UPDATE records SET seq = 999999 WHERE device = $1 AND seq = 2", [A]);
    await one("UPDATE records SET seq = 2 WHERE device = $1 AND seq = 3", [A]);
    await one("UPDATE records SET seq = 3 WHERE device = $1 AND seq = 999999", [A]);
    await one("UPDATE leaves SET hash = $2 WHERE idx = $1", [r2.leaf_index, r3.hash]);
    await one("UPDATE leaves SET hash = $2 WHERE idx = $1", [r3.leaf_index, r2.hash]);
  } },
  { name: "stored checkpoint root edited", expect: "CHECKPOINT_STORED_MISMATCH", tamper: async () => {
    await one("UPDATE checkpoints SET root = $1 WHERE idx = 0", [Buffer.alloc(32, 0xab)]);
  } },
  { name: "device key swapped in the DB", expect: "DEVICE_NOT_REGISTERED", tamper: async () => {
    // The operator puts their own key in the device's place and signs records with it, as the device.
    const operator = Wallet.createRandom();
    const key = operator.address.toLowerCase();
    await one("UPDATE devices SET address = $1 WHERE address = $2", [bytes(key), A]);
    const records: CoreRecord[] = [];
    let prev: string | null = null;
    for (let seq = 1; seq <= 3; seq++) {
      const r: CoreRecord = { ...JSON.parse((await recordOf(A, seq)).canonical), device: key, seq, prev };
      records.push(r);
      prev = recordHash(r);
    }
    const envelope = buildEnvelope(records, ledger.domain, operator as unknown as Wallet);
    await append(records, bytes(envelope.signature));
  } },
  { name: "envelope replayed under a new seq", expect: "ENVELOPE_SIGNATURE_INVALID", tamper: async () => {
    const last = await recordOf(A, 35);
    const original = (await one("SELECT canonical FROM records WHERE device = $1 AND seq <= 20 ORDER BY seq", [A])).map((r) => JSON.parse(r.canonical) as CoreRecord);
    let prev = "0x" + last.hash.toString("hex");
    const replayed = original.map((r, i) => {
      const copy = { ...r, seq: 36 + i, prev };
      prev = recordHash(copy);
      return copy;
    });
    const signature = (await one("SELECT signature FROM envelopes WHERE device = $1 AND first_seq = 1", [A]))[0].signature;
    await append(replayed, signature);
  } },
  { name: "two different records with the same (device, seq)", expect: "SEQ_EQUIVOCATION", tamper: async () => {
    await db.query("ALTER TABLE records DROP CONSTRAINT records_pkey"); // the (device, seq) key
    const r9 = await recordOf(A, 9);
    const twin: CoreRecord = { ...JSON.parse((await recordOf(A, 10)).canonical), prev: "0x" + r9.hash.toString("hex") };
    (twin.body as { value: { v: number } }).value.v = -1;
    await append([twin], await someSignature());
  } },
];

/** Copies the ledger's database, lets `tamper` edit it as superuser (through `db`), serves it and audits the export. */
const auditDatabase = (tamper?: () => Promise<void>) => auditTamperedCopy(chain, keys, ledger, async (client) => { db = client; await tamper?.(); });

const table: string[][] = [];
t.test("the untampered ledger audits clean", async (t) => {
  const report = await auditDatabase();
  t.same(report.counts, {}, "no findings");
  t.equal(report.stats.records, 55, "the 55 device records (no access records yet)");
  t.ok(report.stats.checkpointsChecked >= 2, "at least two anchored checkpoints rebuilt");
});

for (const drill of drills) {
  t.test(`drill: ${drill.name}`, async (t) => {
    const report = await auditDatabase(drill.tamper);
    const detected = Boolean(report.counts[drill.expect as keyof typeof report.counts]);
    table.push([drill.name, detected ? "yes" : "no", drill.expect, codesOf(report).join(" ")]);
    t.ok(detected, `${drill.expect} reported (got ${codesOf(report).join(", ") || "nothing"})`);
  });
}

t.test("the drills tampered only their copies: the original database still audits clean", async (t) => {
  t.same((await auditDatabase()).counts, {});
});

t.test("the real API end to end through the CLI: audit --api, export-bundle, audit --bundle", async (t) => {
  const database = await copyDatabase(ledger.database, `drill_${process.pid}_cli`);
  const service = await startService(chain, keys, { database, workers: false });
  t.teardown(() => service.close());
  const key = await auditorKey(service, keys.adminKey);
  const live = await runCli(["audit", "--api", service.url, "--api-key", key, "--rpc", chain.rpcUrl, "--no-progress"]);
  t.equal(live.code, 0, live.stdout + live.stderr);
  t.match(live.stdout, /VERDICT: CLEAN/);
  const out = join(await mkdtemp(join(tmpdir(), "otledger-drill-")), "regulator.tar.gz");
  const exported = await runCli(["export-bundle", "--api", service.url, "--api-key", key, "-o", out, "--rpc", chain.rpcUrl]);
  t.equal(exported.code, 0, exported.stderr);
  const offline = await runCli(["audit", "--bundle", out, "--rpc", chain.rpcUrl, "--no-progress"]);
  t.equal(offline.code, 0, offline.stdout + offline.stderr);
  const denied = await runCli(["audit", "--api", service.url, "--api-key", "otl_0000000000000000_" + "A".repeat(43), "--rpc", chain.rpcUrl]);
  t.equal(denied.code, 2, "a bad API key is an I/O error");
  t.match(denied.stderr, /answered 401/);
});

t.teardown(() => {
  const widths = [0, 1, 2].map((i) => Math.max(...[["class", "detected", "code", ""], ...table].map((r) => r[i]!.length)));
  const row = (r: string[]) => r.slice(0, 3).map((c, i) => c.padEnd(widths[i]!)).join(" | ") + (r[3] ? ` | all: ${r[3]}` : "");
  console.log(["tamper drill detection", row(["class", "detected", "code", ""]), ...table.map(row)].join("\n"));
});
