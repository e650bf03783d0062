// Tamper drills (issue 6): the real ledger service (PostgreSQL + anvil) ingests and anchors; then, on a copy of its
// database per drill, a hostile operator edits PostgreSQL directly as superuser (triggers bypassed with
// session_replication_role = replica, constraints dropped where needed). The real service then serves the copy and
// the auditor audits its GET /v1/export against the chain. Prints a detection table.
// Since migration 0110 the header is rebuilt from the record's columns (records_header_rebuilds refuses a row whose
// rebuild does not hash to `hash`) and the log's leaves are the records' hashes in envelope order: a drill edits
// those columns, or the envelopes' positions, and drops the constraint where the edit needs it.
import t from "tap";
import pg from "pg";
import {
  recordHash, recordsRoot, type EnvelopeV2, type FullRecord, type Header,
} from "../../core/index.ts";
import { startTestChain } from "../helpers/chain.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { TestDeviceV2 } from "../helpers/envelopes.ts";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codesOf } from "./fixture/audit-lines.ts";
import { runCli } from "./fixture/run-cli.ts";
import { erasureRecord } from "./fixture/service-records.ts";
import { auditTamperedCopy, auditorKey, copyDatabase, newServiceKeys, startService } from "./fixture/drill-service.ts";

const chain = await startTestChain();
const keys = newServiceKeys();
const ledger = await startService(chain, keys);
const a = await ledger.newDevice();
const b = await ledger.newDevice();
// Small series (4 samples) in one stream per device, and one event of a's, so openings of both kinds are stored.
const submit = async (envelope: EnvelopeV2) => {
  const res = await ledger.submit(envelope);
  if (res.status !== 201) throw new Error(`fixture submit: ${res.status} ${JSON.stringify(res.body)}`);
  return envelope;
};
const sent: EnvelopeV2[] = [];
for (const [device, n, make] of [[a, 20, "series"], [b, 15, "series"], [a, 10, "series"], [b, 5, "event"]] as [TestDeviceV2, number, "series" | "event"][]) {
  sent.push(await submit(device.envelope(ledger.domain, n, { make, samples: 4 })));
}
await ledger.waitAnchored(50);
await submit(a.envelope(ledger.domain, 5, { samples: 4 }));
// The service key records the erasure of a's seq 12 through ingest, as POST /v1/admin/erasures does; the body
// itself is cleared by a drill below (the service's privileged path, otledger_erase, is tested in test/auditor/erasure-audit.test.ts).
const service = await ledger.newDevice({ role: "service" });
const erased = sent[0]!.records[11]!;
await submit(service.sign(ledger.domain, [erasureRecord(service, {
  target: recordHash(erased.header), targetDevice: a.address, targetSeq: 12, scope: "body", reason: "GDPR art. 17 request", requestedBy: "dpo-1",
})]));
await ledger.waitAnchored(56);
await ledger.close(); // the service stops; its database (the template of every drill) and the chain stay
t.teardown(async () => {
  await chain.close();
  await stopTestCluster(); // the test cluster would otherwise keep the process alive
});
let db: pg.Client; // the drill's database, as superuser

const bytes = (hex: string) => Buffer.from(hex.slice(2), "hex");
const hex = (b: Buffer) => "0x" + b.toString("hex");
const A = bytes(a.address);
const one = async (sql: string, params: unknown[] = []) => {
  const res = await db.query(sql, params);
  if (res.rowCount === 0) throw new Error(`drill statement changed nothing: ${sql}`);
  return res.rows;
};
type Row = { leaf_index: string; hash: Buffer; envelope_id: string; header: string; stream_name: string; stream_salt: Buffer; salt: Buffer | null; body: unknown };
const recordOf = async (device: Buffer, seq: number): Promise<Row> =>
  (await one("SELECT leaf_index, hash, envelope_id, header, stream_name, stream_salt, salt, body FROM records_indexed WHERE device = $1 AND seq = $2", [device, seq]))[0];
/** The stored row as a full record (its header as stored, its openings). */
const fullOf = (r: Row): FullRecord => ({ header: JSON.parse(r.header) as Header, stream: { name: r.stream_name, salt: hex(r.stream_salt) }, salt: hex(r.salt!), body: r.body as FullRecord["body"] });
const treeSize = async () => Number((await one("SELECT count(*) AS n FROM leaves"))[0].n);

/**
 * Appends records as the service would (envelope row with first_index, record rows with the header's fields and
 * the openings; a record is leaf first_index + seq - first_seq), with whatever signature the operator has.
 */
async function append(records: FullRecord[], signature: Buffer): Promise<void> {
  const first = await treeSize();
  const hashes = records.map((r) => recordHash(r.header));
  const h0 = records[0]!.header;
  const [env] = await one(`INSERT INTO envelopes (device, first_seq, count, records_root, last_hash, signature, first_index)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, [bytes(h0.device), h0.seq, records.length, bytes(recordsRoot(hashes)), bytes(hashes.at(-1)!), signature, first]);
  for (const [i, r] of records.entries()) {
    const h = r.header;
    await one(`INSERT INTO records (hash, device, seq, prev, stream, stream_seq, stream_prev, kind, from_ts, to_ts, ts, envelope_id, body_commitment, stream_name, stream_salt, salt, body, samples)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [bytes(hashes[i]!), bytes(h.device), h.seq, h.prev && bytes(h.prev), bytes(h.stream), h.streamSeq, h.streamPrev && bytes(h.streamPrev), h.kind, h.from, h.to, h.ts,
        env.id, bytes(h.body), r.stream.name, bytes(r.stream.salt), bytes(r.salt), JSON.stringify(r.body), 4]);
  }
}
const someSignature = async () => (await one("SELECT signature FROM envelopes LIMIT 1"))[0].signature as Buffer;

const drills: { name: string; expect: string; tamper: () => Promise<void> }[] = [
  { name: "header field changed", expect: "RECORD_HASH_MISMATCH", tamper: async () => {
    await db.query("ALTER TABLE records DROP CONSTRAINT records_header_rebuilds"); // the header is the columns'
    await one("UPDATE records SET ts = '2030-01-01T00:00:00.000Z' WHERE device = $1 AND seq = 5", [A]);
  } },
  // A consistent row (records_header_rebuilds holds) with a new hash: its leaf changes, and seq 6 still links the old one.
  { name: "header field changed with its hash (so its leaf)", expect: "CHECKPOINT_ROOT_MISMATCH", tamper: async () => {
    const header = { ...JSON.parse((await recordOf(A, 5)).header) as Header, ts: "2030-01-01T00:00:00.000Z" };
    await one("UPDATE records SET ts = $2, hash = $3 WHERE device = $1 AND seq = 5", [A, header.ts, bytes(recordHash(header))]);
  } },
  { name: "sample value changed", expect: "BODY_COMMITMENT_MISMATCH", tamper: async () => {
    const body = (await recordOf(A, 6)).body as { values: number[] };
    body.values[0] = 9999.5;
    await one("UPDATE records SET body = $2 WHERE device = $1 AND seq = 6", [A, JSON.stringify(body)]);
  } },
  { name: "event's personal text changed", expect: "PERSONAL_COMMITMENT_MISMATCH", tamper: async () => {
    await one(`UPDATE records SET personal = jsonb_set(personal, '{text}', '"nothing happened"') WHERE device = $1 AND kind = 'event' AND seq = 16`, [bytes(b.address)]);
  } },
  { name: "body deleted without an erasure record", expect: "BODY_MISSING", tamper: async () => {
    await one("UPDATE records SET body = NULL, salt = NULL WHERE device = $1 AND seq = 8", [A]);
  } },
  // Leaves are the records' hashes: the deleted record's leaf goes with it, and its envelope is short of a record.
  { name: "record deleted", expect: "ENVELOPE_INCOMPLETE", tamper: async () => {
    await one("DELETE FROM records WHERE device = $1 AND seq = 7", [A]);
  } },
  { name: "forged record inserted", expect: "ENVELOPE_SIGNATURE_INVALID", tamper: async () => {
    const last = await recordOf(A, 35);
    const forged = fullOf(last);
    forged.header = { ...forged.header, seq: 36, prev: hex(last.hash), streamSeq: forged.header.streamSeq + 1, streamPrev: hex(last.hash) };
    await append([forged], await someSignature());
  } },
  { name: "records reordered in the log", expect: "SEQ_OUT_OF_ORDER", tamper: async () => {
    // A record's leaf index is its envelope's first_index + position, so reordering the log moves envelopes:
    // a's seq 21..30 (10 leaves at 35) go first, then b's 15, then a's seq 1..20; headers untouched.
    const at = async (device: Buffer, firstSeq: number) => Number((await one("SELECT first_index FROM envelopes WHERE device = $1 AND first_seq = $2", [device, firstSeq]))[0].first_index);
    if (await at(A, 1) !== 0 || await at(bytes(b.address), 1) !== 20 || await at(A, 21) !== 35) throw new Error("the fixture's envelope layout changed");
    await one("UPDATE envelopes SET first_index = first_index + 1000000 WHERE first_index IN (0, 20, 35)");
    await one("UPDATE envelopes SET first_index = 0 WHERE first_index = 1000035");
    await one("UPDATE envelopes SET first_index = 10 WHERE first_index = 1000020");
    await one("UPDATE envelopes SET first_index = 25 WHERE first_index = 1000000");
  } },
  { name: "stored checkpoint root edited", expect: "CHECKPOINT_STORED_MISMATCH", tamper: async () => {
    await one("UPDATE checkpoints SET root = $1 WHERE idx = 0", [Buffer.alloc(32, 0xab)]);
  } },
  { name: "device key swapped in the DB", expect: "DEVICE_NOT_REGISTERED", tamper: async () => {
    // The operator puts their own key in the device's place and signs records with it, as the device.
    const operator = new TestDeviceV2();
    await one("UPDATE devices SET address = $1 WHERE address = $2", [bytes(operator.address), A]);
    const envelope = operator.envelope(ledger.domain, 3, { samples: 4 });
    await append(envelope.records, bytes(envelope.signature));
  } },
  { name: "envelope replayed under a new seq", expect: "ENVELOPE_SIGNATURE_INVALID", tamper: async () => {
    const last = await recordOf(A, 35);
    const original = (await one("SELECT leaf_index, hash, envelope_id, header, stream_name, stream_salt, salt, body FROM records_indexed WHERE device = $1 AND seq <= 20 ORDER BY seq", [A])).map((r) => fullOf(r as Row));
    let prev = hex(last.hash), streamSeq = JSON.parse(last.header).streamSeq as number;
    const replayed = original.map((r, i) => {
      const copy = { ...r, header: { ...r.header, seq: 36 + i, prev, streamSeq: ++streamSeq, streamPrev: prev } };
      prev = recordHash(copy.header);
      return copy;
    });
    const signature = (await one("SELECT signature FROM envelopes WHERE device = $1 AND first_seq = 1", [A]))[0].signature;
    await append(replayed, signature);
  } },
  { name: "two different records with the same (device, seq)", expect: "SEQ_EQUIVOCATION", tamper: async () => {
    await db.query("ALTER TABLE records DROP CONSTRAINT records_pkey"); // the (device, seq) key
    await db.query("ALTER TABLE records DROP CONSTRAINT records_device_stream_stream_seq_key"); // and (device, stream, streamSeq)
    const twin = fullOf(await recordOf(A, 10));
    twin.header = { ...twin.header, ts: "2030-01-01T00:00:00.000Z" };
    await append([twin], await someSignature());
  } },
];

/** Copies the ledger's database, lets `tamper` edit it as superuser (through `db`), serves it and audits the export. */
const auditDatabase = (tamper?: () => Promise<void>) => auditTamperedCopy(chain, keys, ledger, async (client) => { db = client; await tamper?.(); });

const table: string[][] = [];
t.test("the untampered ledger audits clean", async (t) => {
  const report = await auditDatabase();
  t.same(report.counts, {}, "no findings");
  t.equal(report.stats.records, 56, "the 55 device records and the erasure record (no access records yet)");
  // The ledger holds the erasure record but not yet the clearing (a pending erasure, as after a crash between the
  // two): the service serving the copy finishes it at start (finishPendingErasures), so the target is erased.
  t.equal(report.openings.full, 55, "every other record full");
  t.equal(report.openings.erased, 1, "the erasure's target: its pending erasure finished by the service at start");
  t.match(report.erased, [{ device: a.address, seq: 12, scope: "body" }]);
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

t.test("the body cleared as the erasure procedure does, with the ingested erasure record: erased, listed, clean", async (t) => {
  const report = await auditDatabase(async () => {
    await one("UPDATE records SET body = NULL, salt = NULL WHERE device = $1 AND seq = 12", [A]);
  });
  t.same(report.counts, {}, "not a finding");
  t.match(report.erased, [{ device: a.address, seq: 12, scope: "body", erasure: { signer: service.address, requestedBy: "dpo-1" } }]);
  t.equal(report.openings.erased, 1);
});

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
