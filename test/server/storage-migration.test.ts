// Migration 0110 (issue 13) on an existing v2 database: a ledger of real signed records (series, readings, events
// with personal openings, an erasure record and its erased target) written at the pre-0110 schema exactly as the
// v2 service wrote it (header JCS text, leaves, every merkle level), then migrated. Every record's stored form,
// every leaf, every inclusion and consistency proof and every root must be byte-identical before and after, and
// the new guards must hold: a header the columns do not rebuild is refused, by the migration and at insert.
import t from "tap";
import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { runner } from "node-pg-migrate";
import {
  canonicalString, CompactRange, consistencyProofFromSubtrees, envelopeDomainV2, inclusionProofFromSubtrees, recordHash, rootFromSubtrees,
  toHex32, type EnvelopeV2, type FullRecord,
} from "../../core/index.ts";
import { bytesToHex } from "../../server/db/bytes.ts";
import { pgTimestamp } from "../../server/ingest/record-rows.ts";
import { MIGRATIONS_DIR, migrate } from "../../server/db/migrate.ts";
import { STORED_COLUMNS, storedRecordJson, type StoredColumns } from "../../server/api/stored-record.ts";
import { leafRange, logSize } from "../../server/log/leaf-store.ts";
import { STORED_FROM_LEVEL, storedConsistencyProof, storedInclusionProof, storedRoot } from "../../server/log/merkle-store.ts";
import { TestDeviceV2 } from "../helpers/envelopes.ts";
import { freshDatabase, stopTestCluster } from "../helpers/postgres.ts";
import { erasureRecord } from "../auditor/fixture/service-records.ts";

t.teardown(stopTestCluster);

const domain = envelopeDomainV2(31337, "0x" + "11".repeat(20));
const bytes = (hex: string | null | undefined) => (hex === null || hex === undefined ? null : Buffer.from(hex.slice(2), "hex"));

/** The migrations before 0110, in their own directory (node-pg-migrate runs a directory). */
async function preMigrationDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "otledger-pre0110-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const f of await readdir(MIGRATIONS_DIR)) if (f < "0110") await copyFile(join(MIGRATIONS_DIR, f), join(dir, f));
  return dir;
}

async function migrateTo(dir: string, url: string): Promise<void> {
  await runner({ databaseUrl: url, dir, direction: "up", migrationsTable: "pgmigrations", singleTransaction: true, log: () => {}, logger: { debug() {}, info() {}, warn() {}, error() {} } });
}

/** What the v2 service before 0110 stored for one envelope: its row, record rows with the header text, its leaves. */
async function storeOld(db: pg.Client, env: EnvelopeV2, firstIndex: number): Promise<void> {
  const hashes = env.records.map((r) => recordHash(r.header));
  const { rows: [e] } = await db.query(
    `INSERT INTO envelopes (device, first_seq, count, records_root, last_hash, signature, first_index) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [bytes(env.header.device), env.header.firstSeq, env.header.count, bytes(env.header.recordsRoot), bytes(env.header.lastHash), bytes(env.signature), firstIndex]);
  for (const [i, r] of env.records.entries()) {
    const h = r.header, b = r.body as { dt?: unknown[]; type?: string; asset?: string | null };
    await db.query(
      `INSERT INTO records (device, seq, hash, prev, stream, stream_seq, stream_prev, kind, from_ts, to_ts, ts, envelope_id, header, stream_name, stream_salt,
         salt, body, personal, personal_salt, samples, event_type, asset)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
      [bytes(h.device), h.seq, bytes(hashes[i]), bytes(h.prev), bytes(h.stream), h.streamSeq, bytes(h.streamPrev), h.kind, pgTimestamp(h.from), pgTimestamp(h.to), pgTimestamp(h.ts), e.id,
        canonicalString(h), r.stream.name, bytes(r.stream.salt), bytes(r.salt), JSON.stringify(r.body),
        r.personal === undefined ? null : JSON.stringify(r.personal), bytes(r.personalSalt), h.kind === "series" ? b.dt!.length : h.kind === "reading" ? 1 : null,
        h.kind === "event" ? b.type : null, h.kind === "event" ? (b.asset ?? null) : null]);
    await db.query("INSERT INTO leaves (idx, hash) VALUES ($1, $2)", [firstIndex + i, bytes(hashes[i])]);
  }
}

/** The pre-0110 stored form: the header text column spliced in as is (storedRecordJson did exactly this). */
const OLD_COLUMNS = "r.header, r.stream_name, r.stream_salt, r.salt, r.body, r.personal, r.personal_salt";

/** Proofs the way the pre-0110 merkle-store read them: every level from the leaves and merkle_nodes tables. */
async function oldLookup(db: pg.Client) {
  const m = new Map<string, Buffer>();
  for (const r of (await db.query("SELECT idx, hash FROM leaves")).rows) m.set(`0:${r.idx}`, r.hash);
  for (const r of (await db.query("SELECT level, idx, hash FROM merkle_nodes")).rows) m.set(`${r.level}:${r.idx}`, r.hash);
  return (level: number, index: number) => m.get(`${level}:${index}`);
}

t.test("0110 migrates a v2 ledger in place: records, leaves, proofs and roots byte-identical", async (t) => {
  const { ownerUrl } = await freshDatabase();
  await migrateTo(await preMigrationDir(), ownerUrl);
  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  t.teardown(() => db.end());

  // ~700 leaves (two full level-8 blocks and a partial one): series, readings, events, year-0000 and 9999 times.
  const a = new TestDeviceV2(), b = new TestDeviceV2(), service = new TestDeviceV2();
  a.stream("EARLY").lastTo = Date.parse("0000-03-01T00:00:00.000Z");
  b.stream("LATE").lastTo = Date.parse("9999-12-31T00:00:00.000Z");
  const envelopes: EnvelopeV2[] = [
    a.envelope(domain, 200, { samples: 3 }), b.envelope(domain, 150, { make: "reading", stream: "PT-7.PV" }),
    a.sign(domain, [...a.records(1, { make: "reading", stream: "EARLY" }), ...a.records(40, { make: "event" })]),
    b.sign(domain, [...b.records(1, { make: "reading", stream: "LATE" }), ...b.records(300, { samples: 2, stream: "Ω-7 ünïcødé" })]),
  ];
  const target = envelopes[0]!.records[9]!;
  envelopes.push(service.sign(domain, [erasureRecord(service, { target: recordHash(target.header), targetDevice: a.address, targetSeq: 10, scope: "body", reason: "art. 17", requestedBy: "dpo" })]));
  envelopes.push(a.envelope(domain, 17, { make: "event" }));
  const range = CompactRange.empty();
  for (const env of envelopes) {
    await storeOld(db, env, range.size);
    const nodes = env.records.flatMap((r: FullRecord) => range.append(Buffer.from(recordHash(r.header).slice(2), "hex"))).filter((s) => s.level > 0);
    for (const n of nodes) await db.query("INSERT INTO merkle_nodes (level, idx, hash) VALUES ($1, $2, $3)", [n.level, n.index, n.hash]);
  }
  const size = range.size;
  await db.query("INSERT INTO checkpoints (idx, tree_size, root) VALUES (0, $1, $2)", [size, range.root()]);
  const erasureHash = recordHash(envelopes[4]!.records[0]!.header);
  t.equal((await db.query("SELECT otledger_erase($1, 'body', $2) AS ok", [bytes(recordHash(target.header)), bytes(erasureHash)])).rows[0].ok, true, "a record erased before the migration");

  // Before.
  const recordsSql = (cols: string) => `SELECT encode(r.hash, 'hex') AS h, ${cols} FROM records r ORDER BY r.hash`;
  const before = (await db.query<StoredColumns & { h: string }>(recordsSql(OLD_COLUMNS))).rows.map((r) => [r.h, storedRecordJson(r)]);
  const leavesBefore = (await db.query("SELECT idx, hash FROM leaves ORDER BY idx")).rows.map((r) => [Number(r.idx), bytesToHex(r.hash)]);
  const old = await oldLookup(db);
  const sizes = [1, 2, 255, 256, 257, 300, 511, 512, 513, size - 1, size];
  const indexes = [0, 1, 9, 200, 255, 256, 257, 390, 511, 512, 600, size - 1];
  const proofsBefore = indexes.map((i) => inclusionProofFromSubtrees(i, size, old).map(toHex32));
  const consistencyBefore = sizes.map((s) => consistencyProofFromSubtrees(s, size, old).map(toHex32));
  const rootsBefore = sizes.map((s) => bytesToHex(rootFromSubtrees(s, old)));
  const nodesAbove = Number((await db.query("SELECT count(*) AS n FROM merkle_nodes WHERE level >= $1", [STORED_FROM_LEVEL])).rows[0].n);

  await migrate(ownerUrl);

  // After: through the service's own reads.
  const after = (await db.query<StoredColumns & { h: string }>(recordsSql(STORED_COLUMNS))).rows.map((r) => [r.h, storedRecordJson(r)]);
  t.equal(after.length, size, "every record");
  t.same(after, before, "every record's stored form (header text, stream, openings) byte-identical");
  t.equal(before.filter(([, j]) => !j!.includes('"body":{')).length, 1, "including the erased stub");
  t.same((await leafRange(db, 0, size)).map((l) => [l.idx, bytesToHex(l.hash)]), leavesBefore, "every leaf");
  t.equal(await logSize(db), size, "the log size");
  t.same(await Promise.all(indexes.map((i) => storedInclusionProof(db, i, size))), proofsBefore, "inclusion proofs");
  t.same(await Promise.all(sizes.map((s) => storedConsistencyProof(db, s, size))), consistencyBefore, "consistency proofs");
  t.same(await Promise.all(sizes.map(async (s) => bytesToHex(await storedRoot(db, s)))), rootsBefore, "roots");
  t.equal(rootsBefore.at(-1), bytesToHex(range.root()), "which are the log's");
  const levels = (await db.query("SELECT min(level) AS lo, count(*) AS n FROM merkle_nodes")).rows[0];
  t.same([Number(levels.lo), Number(levels.n)], [STORED_FROM_LEVEL, nodesAbove], "merkle_nodes keeps levels >= 8 only");

  // The guards.
  await t.rejects(db.query("SET session_replication_role = replica; UPDATE records SET ts = ts + interval '1 ms' WHERE seq = 3"),
    { code: "23514", constraint: "records_header_rebuilds" }, "even past the triggers, a row whose header no longer hashes to its hash is refused");
  await db.query("SET session_replication_role = origin");
  await t.rejects(db.query("UPDATE records SET salt = NULL WHERE seq = 3"), /append-only/, "records stay append-only");
  t.equal((await db.query("SELECT otledger_erase($1, 'personal', $2) AS ok", [bytes(recordHash(envelopes[2]!.records[1]!.header)), bytes(erasureHash)]).catch((e: Error) => e.message)), "erasure_record_invalid: no erasure record of this target and scope has this hash",
    "the erase function (0102) still checks its erasure record after 0110");
});

t.test("0110 refuses a database whose stored header its columns do not rebuild, and changes nothing", async (t) => {
  const { ownerUrl } = await freshDatabase();
  await migrateTo(await preMigrationDir(), ownerUrl);
  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  t.teardown(() => db.end());
  const env = new TestDeviceV2().envelope(domain, 3, { samples: 2 });
  await storeOld(db, env, 0);
  // A header spelled otherwise than its columns (a hand-edited row): the migration must not silently re-spell it.
  await db.query("SET session_replication_role = replica");
  await db.query("UPDATE records SET header = replace(header, '\"v\":2', '\"v\":2 ') WHERE seq = 2");
  await db.query("SET session_replication_role = origin");
  await t.rejects(migrate(ownerUrl), /1 stored headers are not rebuilt byte for byte/, "refused, naming the count");
  t.equal((await db.query("SELECT count(*)::int AS n FROM leaves")).rows[0].n, 3, "rolled back: the old tables are still there");
  t.ok((await db.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'records' AND column_name = 'header'")).rowCount === 1, "with the header column");
});
