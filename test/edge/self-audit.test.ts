// The edge checks the ledger per envelope (one range proof for all its records): a proof that does not verify
// against LedgerAnchor raises an alarm and the records stay in the spool; a record not anchored within the SLA
// raises an alarm; honest proofs purge the records; records without a receipt fall back to proof bundles.
import { createServer } from "node:http";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import t from "tap";
import { startAgent } from "../../edge/agent.ts";
import { freePort, startSimulator } from "../../edge/simulator/server.ts";
import { startApiLedger } from "../api/harness.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { edgeConfig, makeKeystore, spoolRecords, tempDir, testLog } from "./helpers.ts";

// checkpoints every 3 s: long enough that a 1 ms SLA is always missed first
const ledger = await startApiLedger({ config: { CHECKPOINT_INTERVAL_MS: 3000 } });
const auditor = await ledger.principal("edge", "auditor");
process.env.OTLEDGER_TEST_AUDIT_KEY2 = auditor.key;

// Leaves of another device first: every envelope of the agent then has a non-empty range proof to tamper with.
const other = await ledger.newDevice();
await ledger.submit(other.envelope(ledger.domain, 3));

// An HTTP hop in front of the ledger that, while `tamper` is on, alters a hash of every envelope proof's range
// proof and the record inside every proof bundle.
let tamper = true;
const port = await freePort();
const proxy = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const upstream = await fetch(`${ledger.url}${req.url}`, {
    method: req.method, headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "content-length", "connection"].includes(k))) as Record<string, string>,
    ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
  });
  let body = Buffer.from(await upstream.arrayBuffer());
  if (tamper && upstream.status === 200 && /\/proof$/.test(req.url ?? "")) {
    const proof = JSON.parse(body.toString());
    if (proof.version === "otledger.envelope-proof/2") proof.log.proof[0] = "0x" + "ab".repeat(32);
    else proof.record.header.ts = "2000-01-01T00:00:00.000Z";
    body = Buffer.from(JSON.stringify(proof));
  }
  res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
  res.end(body);
});
await new Promise<void>((r) => proxy.listen(port, "127.0.0.1", () => r()));

const dir = tempDir("selfaudit");
const key = await makeKeystore(dir);
await ledger.chain.registerDevice(key.address);
const sim = await startSimulator({ tickMs: 100 });
const config = edgeConfig({
  endpoint: sim.endpointUrl, dir, keystore: key.file, ledgerUrl: `http://127.0.0.1:${port}`,
  // 1 s series windows: a record, and so an envelope, about every second
  opcua: { nodes: [{ nodeId: "ns=1;s=B-201.DrumPressure", tag: "B-201.DrumPressure", samplingInterval: 100 }], window: { seconds: 1, maxSamples: 4096 } },
  ledger: { rpcUrl: ledger.chain.rpcUrl, apiKey: { passwordEnv: "OTLEDGER_TEST_AUDIT_KEY2" } },
  selfAudit: { intervalMs: 100, slaMs: 1 },
});
const agent = await startAgent(config, { log: testLog });
t.teardown(async () => {
  await agent.stop();
  await sim.stop();
  proxy.closeAllConnections();
  proxy.close();
  await ledger.close();
  await stopTestCluster();
});
const alarms = (code: string) => agent.status().alarms.filter((a) => a.code === code);

t.test("a record not anchored within the SLA raises an alarm", async (t) => {
  const alarm = await waitFor(() => alarms("not_anchored_within_sla")[0], { what: "SLA alarm" });
  t.match(alarm.message, /not anchored within 1 ms/);
  const metrics = await (await fetch(`${agent.control.url}/metrics`)).text();
  t.match(metrics, /otledger_edge_alarms_total\{code="not_anchored_within_sla"\} [1-9]/, "alarm counted in metrics");
});

t.test("an envelope proof that does not verify against the chain is alarmed and the records kept", async (t) => {
  const alarm = await waitFor(() => alarms("self_audit_failed")[0], { what: "verification alarm", timeoutMs: 30_000 });
  t.match(alarm.message, /log_range_inclusion: log_root_mismatch/, "names the failed check");
  t.equal(agent.spool.stats().lastAnchoredSeq, 0, "nothing purged on a bad proof");
  t.ok(spoolRecords(config.spool.dir).some((r) => r.record.header.seq === alarm.seq! && r.state === 1), "the record stays in the spool");
});

t.test("honest proofs verify and purge", async (t) => {
  tamper = false;
  const target = agent.sender.lastSentSeq;
  await waitFor(() => agent.spool.stats().lastAnchoredSeq >= target || undefined, { what: `verified up to ${target}`, timeoutMs: 30_000 });
  t.notOk(spoolRecords(config.spool.dir).some((r) => r.record.header.seq <= target), "verified records purged");
  const routes = await edgeReads();
  t.ok(routes.includes("GET /v1/envelopes/:device/:firstSeq/proof"), "verified by envelope proofs");
  t.notOk(routes.includes("GET /v1/records/:hash/proof"), "no proof bundle per record");
});

t.test("records without a receipt, or whose receipt spans no single envelope, are verified by proof bundles", async (t) => {
  await agent.audit!.stop();
  const spoolDb = () => new DatabaseSync(join(config.spool.dir, "spool.sqlite"));
  const receipts = (after: number) => { const db = spoolDb(); try { return Number((db.prepare("SELECT count(*) AS n FROM receipts WHERE first_seq > ?").get(after) as { n: number }).n); } finally { db.close(); } };
  const rewriteReceipts = (target: number, spanning: boolean) => {
    const db = spoolDb();
    db.exec("DELETE FROM receipts");
    // as the sender writes on a resync after a lost receipt: one receipt over records of several envelopes
    if (spanning) db.prepare(`INSERT INTO receipts (first_seq, last_seq, received_ms, receipt) SELECT min(seq), max(seq), 0, '{"resync":{}}' FROM records WHERE state = 1 AND seq <= ?`).run(target);
    db.close();
  };
  for (const spanning of [false, true]) {
    const from = agent.spool.stats().lastAnchoredSeq;
    await waitFor(() => receipts(from) >= 2 || undefined, { what: "two more envelopes delivered" });
    const target = agent.sender.lastSentSeq; // envelopes acknowledged later get receipts again: leave them out
    const before = (await edgeReads()).filter((r) => r === "GET /v1/records/:hash/proof").length;
    rewriteReceipts(target, spanning);
    const held = agent.spool.awaitingAudit(1000).filter((r) => r.seq <= target);
    t.ok(held.every((r) => (r.envelope === null) === !spanning), spanning ? "one receipt spans them all" : "no receipts left");
    await waitFor(async () => { await agent.audit!.runOnce(); return agent.spool.stats().lastAnchoredSeq >= target || undefined; }, { what: `verified up to ${target}`, timeoutMs: 30_000 });
    const after = (await edgeReads()).filter((r) => r === "GET /v1/records/:hash/proof").length;
    t.ok(after - before >= held.length, `${held.length} records verified by proof bundles`);
  }
  t.same(alarms("self_audit_failed").map((a) => a.message).filter((m) => !/log_root_mismatch/.test(m)), [], "no alarm beyond the tampered proofs'");
});

/** Routes of the access records written for the edge's reads. */
async function edgeReads(): Promise<string[]> {
  const res = await ledger.get("/v1/access-log?limit=1000", auditor.key);
  return (res.json().entries as { principalId: number; route: string }[]).filter((e) => e.principalId === auditor.id).map((e) => e.route);
}
