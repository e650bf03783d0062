// The ledger loses records it acknowledged (its unanchored tail deleted behind the service's back). The agent
// holds the ledger's receipts for them: proof that the ledger broke its word. It raises a persistent alarm with
// those receipts as evidence (status, metric, spool; still there after a restart and in the offline status),
// then sends the records again.
import t from "tap";
import { startAgent } from "../../edge/agent.ts";
import { startSimulator } from "../../edge/simulator/server.ts";
import { Spool } from "../../edge/spool/spool.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { edgeConfig, makeKeystore, runCli, spoolRecords, tempDir, testLog, writeConfigFile } from "./helpers.ts";
import { chainBreaks, ledgerRecords } from "./ledger-helpers.ts";

// no workers: nothing is anchored, so the whole delivered tail is "unanchored"
const ledger = await startTestLedger({ workers: false });
const sim = await startSimulator({ tickMs: 50 });
t.teardown(async () => { await sim.stop(); await ledger.close(); await stopTestCluster(); });

/** Deletes the device's records from `fromSeq` on, with their envelopes (so their leaves), as an attacker with the database would. */
async function loseTail(device: string, fromSeq: number): Promise<void> {
  const db = await ledger.ownerDb.connect();
  const dev = Buffer.from(device.slice(2), "hex");
  try {
    await db.query("BEGIN");
    await db.query("SET LOCAL session_replication_role = replica"); // past the append-only triggers
    await db.query("DELETE FROM records WHERE device = $1 AND seq >= $2", [dev, fromSeq]);
    await db.query("DELETE FROM envelopes WHERE device = $1 AND first_seq >= $2", [dev, fromSeq]);
    await db.query("COMMIT");
  } finally {
    db.release();
  }
}

t.test("acknowledged records lost by the ledger: persistent alarm with the receipts, then resent", async (t) => {
  const dir = tempDir("lost");
  const key = await makeKeystore(dir);
  await ledger.chain.registerDevice(key.address);
  const config = edgeConfig({
    endpoint: sim.endpointUrl, dir, keystore: key.file, ledgerUrl: ledger.url, ledger: { chainId: Number(ledger.domain.chainId), contract: ledger.domain.verifyingContract },
    // 1 s series windows: records, and so envelopes, every second
    opcua: { window: { seconds: 1, maxSamples: 4096 } },
  });
  let agent = await startAgent(config, { log: testLog });
  await waitFor(() => agent.spool.receiptsFrom(0).length >= 3 || undefined, { what: "three acknowledged envelopes" });
  await agent.stop();
  const spool = new Spool(config.spool.dir, { device: agent.device, maxBytes: 1e9, whenFull: "keep-oldest" });
  const receipts = spool.receiptsFrom(0);
  spool.close();
  const cut = receipts[1]!.firstSeq;
  const acknowledgedThrough = receipts.at(-1)!.lastSeq;
  await loseTail(agent.device, cut);
  t.equal((await ledgerRecords(ledger, agent.device)).length, cut - 1, `the ledger now holds only 1..${cut - 1}`);

  agent = await startAgent(config, { log: testLog });
  t.teardown(() => agent.stop());
  const alarm = await waitFor(() => agent.status().alarms.find((a) => a.code === "ledger_lost_acknowledged"), { what: "lost-acknowledgement alarm" });
  t.match(alarm, { persistent: true, message: new RegExp(`records ${cut}\\.\\.${acknowledgedThrough} it had acknowledged`) });
  const evidence = alarm.evidence as { expectedSeq: number; receipts: { firstSeq: number; lastSeq: number; receipt: { records: { seq: number; hash: string }[] } }[] };
  t.equal(evidence.expectedSeq, cut, "the ledger's own answer: it expects the first lost seq");
  t.same(evidence.receipts.map((r) => [r.firstSeq, r.lastSeq]), receipts.slice(1).map((r) => [r.firstSeq, r.lastSeq]), "every receipt for the lost records is kept");
  const signed = new Map(spoolRecords(config.spool.dir).map((r) => [r.record.header.seq, r]));
  t.ok(evidence.receipts.flatMap((r) => r.receipt.records).every((r) => signed.has(r.seq)), "the receipts name records the agent signed");

  const rows = await waitFor(async () => { const r = await ledgerRecords(ledger, agent.device); return r.length > acknowledgedThrough ? r : undefined; }, { what: "lost records sent again" });
  t.same(chainBreaks(rows), [], "then resent: the ledger holds one unbroken chain again");
  const metrics = await (await fetch(`${agent.control.url}/metrics`)).text();
  t.match(metrics, /otledger_edge_alarms_active\{code="ledger_lost_acknowledged"\} 1/, "visible as a metric");
  t.ok(agent.status().alarms.some((a) => a.code === "ledger_lost_acknowledged"), "delivery resumed, the alarm stays");
  await agent.stop();

  const offline = await runCli(["edge", "status", "--json", "--config", writeConfigFile(dir, config)]);
  t.equal(offline.code, 0, offline.stderr);
  const status = JSON.parse(offline.stdout) as { agent: string; alarms: { code: string; evidence?: unknown }[] };
  t.equal(status.agent, "not running");
  t.match(status.alarms, [{ code: "ledger_lost_acknowledged", evidence: { expectedSeq: cut } }], "edge status shows it from the spool while the agent is down");

  agent = await startAgent(config, { log: testLog });
  t.match(agent.status().alarms, [{ code: "ledger_lost_acknowledged", persistent: true }], "and it is still active after a restart");
});
