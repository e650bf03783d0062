// The incremental audit after a resume, against the real service on tampered copies of its database (as in
// tamper-drills.test.ts): a record after the saved checkpoint that breaks its device chain, a forged signature
// there, a saved state whose root is not the chain's, a state of another contract, and a log the service can no
// longer prove consistent with the audited one (its stored tree rewritten below the saved size: a fork).
import t from "tap";
import pg from "pg";
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompactRange, subtreesForConsistency, toHex32 } from "../../core/index.ts";
import { runIncrementalAudit } from "../../auditor/incremental/run.ts";
import type { IncrementalReport } from "../../auditor/incremental/report.ts";
import { readState, type AuditState } from "../../auditor/incremental/state.ts";
import { startTestChain } from "../helpers/chain.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { auditorKey, copyDatabase, newServiceKeys, startService } from "./fixture/drill-service.ts";
import { runCli } from "./fixture/run-cli.ts";

const chain = await startTestChain();
const keys = newServiceKeys();
const ledger = await startService(chain, keys);
const device = await ledger.newDevice();
const A = Buffer.from(device.address.slice(2), "hex");
const dir = await mkdtemp(join(tmpdir(), "otledger-incremental-findings-"));
const leafCount = async () => Number((await ledger.ownerDb.query("SELECT count(*) AS n FROM leaves")).rows[0].n);
const submit = async (n: number) => {
  const res = await ledger.submit(device.envelope(ledger.domain, n, { samples: 4 }));
  if (res.status !== 201) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
};

// The saved state: a clean audit of the first 10 records. Then 6 more records (seq 11…16), anchored.
await submit(10);
await ledger.waitAnchored(await leafCount());
const stateFile = join(dir, "saved.json");
const first = await runIncrementalAudit({ api: ledger.url, apiKey: await auditorKey(ledger, keys.adminKey), rpc: chain.rpcUrl, stateFile, slaMs: 600_000 });
if (first.verdict !== "clean") throw new Error(`fixture audit: ${JSON.stringify(first.findings)}`);
const saved = (await readState(stateFile))!;
await submit(6);
await ledger.waitAnchored(await leafCount());
await ledger.close(); // its database is the template of every drill; the chain stays
t.teardown(async () => {
  await chain.close();
  await stopTestCluster();
});

let copies = 0;
/** Copies the database, tampers it as superuser, serves it (no workers: nothing re-anchors) and resumes from `state`. */
async function resume(state: AuditState, tamper?: (db: pg.Client) => Promise<void>): Promise<{ report: IncrementalReport; file: string; before: string }> {
  const database = await copyDatabase(ledger.database, `incr_${process.pid}_${++copies}`);
  const db = new pg.Client({ connectionString: database.ownerUrl });
  await db.connect();
  try {
    await db.query("SET session_replication_role = replica");
    await tamper?.(db);
  } finally {
    await db.end();
  }
  const file = join(dir, `state-${copies}.json`);
  await writeFile(file, JSON.stringify(state));
  const before = await readFile(file, "utf8");
  const service = await startService(chain, keys, { database, workers: false });
  try {
    const report = await runIncrementalAudit({ api: service.url, apiKey: await auditorKey(service, keys.adminKey), rpc: chain.rpcUrl, stateFile: file, slaMs: 600_000 });
    return { report, file, before };
  } finally {
    await service.close();
  }
}
const one = async (db: pg.Client, sql: string, params: unknown[]) => {
  const res = await db.query(sql, params);
  if (res.rowCount === 0) throw new Error(`drill statement changed nothing: ${sql}`);
};

t.test("untampered, the resume is clean and reads only the leaves after the saved size", async (t) => {
  const { report } = await resume(saved);
  t.equal(report.verdict, "clean", JSON.stringify(report.findings));
  t.equal(report.export!.fromIndex, saved.checkpoint.treeSize);
  t.equal(report.stats.leaves, report.export!.toIndex - saved.checkpoint.treeSize);
  t.ok(report.stats.records >= 6 && report.stats.records < 16, `${report.stats.records} records read, not the first 10 again`);
});

t.test("a record after the saved checkpoint deleted: its device chain breaks, the state stays", async (t) => {
  const { report, file, before } = await resume(saved, (db) => one(db, "DELETE FROM records WHERE device = $1 AND seq = 13", [A]));
  t.equal(report.verdict, "findings");
  const gap = report.findings.find((f) => f.code === "SEQ_GAP");
  t.match(gap, { device: device.address.toLowerCase(), expected: 13, computed: 14 }, "SEQ_GAP names the missing seq");
  t.ok(report.counts.LEAF_WITHOUT_RECORD, "LEAF_WITHOUT_RECORD");
  t.ok(report.counts.ENVELOPE_INCOMPLETE, "ENVELOPE_INCOMPLETE");
  t.equal(report.stateAdvanced, false);
  t.equal(await readFile(file, "utf8"), before, "the state file is untouched after findings");
});

t.test("a forged signature after the saved checkpoint", async (t) => {
  const { report } = await resume(saved, (db) => one(db, "UPDATE envelopes SET signature = (SELECT signature FROM envelopes WHERE device = $1 AND first_seq = 1) WHERE device = $1 AND first_seq = 11", [A]));
  t.same(Object.keys(report.counts), ["ENVELOPE_SIGNATURE_INVALID"], JSON.stringify(report.findings));
  t.match(report.findings[0], { device: device.address.toLowerCase(), seq: 11 });
});

t.test("a saved state whose root LedgerAnchor never held: STATE_ROOT_MISMATCH with both roots", async (t) => {
  // A self-consistent state of another log: its last frontier subtree replaced, its root recomputed.
  const frontier = [...saved.frontier];
  frontier[frontier.length - 1] = "0x" + "ab".repeat(32);
  const root = toHex32(CompactRange.fromFrontier(saved.checkpoint.treeSize, frontier).root());
  const { report } = await resume({ ...saved, frontier, checkpoint: { ...saved.checkpoint, root } });
  const f = report.findings.find((x) => x.code === "STATE_ROOT_MISMATCH");
  t.ok(f, JSON.stringify(report.counts));
  t.same(f!.expected, { treeSize: saved.checkpoint.treeSize, root: saved.checkpoint.root }, "the chain's root");
  t.same(f!.computed, { treeSize: saved.checkpoint.treeSize, root }, "the state's root");
});

t.test("a state for another contract: STATE_CHAIN_MISMATCH", async (t) => {
  const { report } = await resume({ ...saved, contract: "0x" + "cd".repeat(20) });
  t.same(Object.keys(report.counts), ["STATE_CHAIN_MISMATCH"]);
  t.match(report.findings[0]!.computed, { contract: "0x" + "cd".repeat(20) });
});

t.test("the service's tree rewritten below the saved size (a fork): CONSISTENCY_PROOF_INVALID with sizes and roots", async (t) => {
  const newest = Number((await chain.ledger.getFunction("checkpointCount")()) ) - 1;
  const to = Number((await chain.ledger.getFunction("checkpointAt")(newest)).treeSize);
  const node = subtreesForConsistency(saved.checkpoint.treeSize, to)[0]!;
  // merkle_nodes holds levels ≥ 8 (0110); below that a node is rebuilt from leaves, which are the records' hashes
  // in envelope order: rewrite the first leaf under the node (the header constraint dropped, as a hostile operator would).
  const { report } = await resume(saved, async (db) => {
    if (node.level >= 8) return one(db, "UPDATE merkle_nodes SET hash = $3 WHERE level = $1 AND idx = $2", [node.level, node.index, Buffer.alloc(32, 7)]);
    await db.query("ALTER TABLE records DROP CONSTRAINT records_header_rebuilds");
    return one(db, `UPDATE records r SET hash = $2 FROM envelopes e
      WHERE r.envelope_id = e.id AND r.device = e.device AND e.first_index + (r.seq - e.first_seq) = $1`, [node.index * 2 ** node.level, Buffer.alloc(32, 7)]);
  });
  const f = report.findings.find((x) => x.code === "CONSISTENCY_PROOF_INVALID");
  t.ok(f, JSON.stringify(report.counts));
  t.match(f!.expected, { from: { treeSize: saved.checkpoint.treeSize, root: saved.checkpoint.root }, to: { treeSize: to } });
  t.equal(report.stateAdvanced, false);
});

t.test("the CLI exits 1 on findings after a resume", async (t) => {
  const file = join(dir, "cli.json");
  await copyFile(stateFile, file);
  const state = { ...saved, contract: "0x" + "cd".repeat(20) };
  await writeFile(file, JSON.stringify(state));
  const database = await copyDatabase(ledger.database, `incr_${process.pid}_cli`);
  const service = await startService(chain, keys, { database, workers: false });
  t.teardown(() => service.close());
  const r = await runCli(["audit", "--api", service.url, "--api-key", await auditorKey(service, keys.adminKey), "--rpc", chain.rpcUrl, "--state", file, "--no-progress"]);
  t.equal(r.code, 1, r.stderr);
  t.match(r.stdout, /STATE_CHAIN_MISMATCH ×1/);
});
