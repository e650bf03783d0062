// The edge checks the ledger: a proof that does not verify against LedgerAnchor raises an alarm and the record
// stays in the spool; a record not anchored within the SLA raises an alarm; honest proofs purge the records.
import { createServer } from "node:http";
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

// An HTTP hop in front of the ledger that, while `tamper` is on, alters the record inside every proof bundle.
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
    const bundle = JSON.parse(body.toString());
    bundle.record.ts = "2000-01-01T00:00:00.000Z";
    body = Buffer.from(JSON.stringify(bundle));
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
  opcua: { nodes: [{ nodeId: "ns=1;s=B-201.DrumPressure", tag: "B-201.DrumPressure", samplingInterval: 100 }] },
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

t.test("a bundle that does not verify against the chain is alarmed and the record kept", async (t) => {
  const alarm = await waitFor(() => alarms("self_audit_failed")[0], { what: "verification alarm", timeoutMs: 30_000 });
  t.match(alarm.message, /record_hash/, "names the failed check");
  t.equal(agent.spool.stats().lastAnchoredSeq, 0, "nothing purged on a bad proof");
  t.ok(spoolRecords(config.spool.dir).some((r) => r.record.seq === alarm.seq! && r.state === 1), "the record stays in the spool");
});

t.test("honest proofs verify and purge", async (t) => {
  tamper = false;
  const target = agent.sender.lastSentSeq;
  await waitFor(() => agent.spool.stats().lastAnchoredSeq >= target || undefined, { what: `verified up to ${target}`, timeoutMs: 30_000 });
  t.notOk(spoolRecords(config.spool.dir).some((r) => r.record.seq <= target), "verified records purged");
});
