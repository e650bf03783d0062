// Simulator → agent → real ledger (PostgreSQL + anvil): records arrive whole and chained, get anchored on-chain,
// and (when the ledger serves proofs) the agent's self-audit verifies them against LedgerAnchor and purges them.
import t from "tap";
import { StatusCodes } from "node-opcua";
import { startAgent } from "../../edge/agent.ts";
import { startSimulator } from "../../edge/simulator/server.ts";
import { startApiLedger } from "../api/harness.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { edgeConfig, makeKeystore, spoolRecords, tempDir, testLog } from "./helpers.ts";
import { chainBreaks, ledgerRecords, logRoot, onChainCheckpoint } from "./ledger-helpers.ts";

const ledger = await startApiLedger();
const auditor = await ledger.principal("edge-self-audit", "auditor");
process.env.OTLEDGER_TEST_AUDIT_KEY = auditor.key;
const dir = tempDir("e2e");
const key = await makeKeystore(dir);
await ledger.chain.registerDevice(key.address);
const sim = await startSimulator({ tickMs: 50, timeScale: 5 });
const config = edgeConfig({
  endpoint: sim.endpointUrl, dir, keystore: key.file, ledgerUrl: ledger.url,
  // no chainId/contract: the agent takes the EIP-712 domain from GET /v1/info
  ledger: { chainId: undefined, contract: undefined, rpcUrl: ledger.chain.rpcUrl, apiKey: { passwordEnv: "OTLEDGER_TEST_AUDIT_KEY" } },
});
const agent = await startAgent(config, { log: testLog });
t.teardown(async () => {
  await agent.stop();
  await sim.stop();
  await ledger.close();
  await stopTestCluster();
});
await agent.capture.ready;

t.test("simulator values and events reach the ledger chained, with unit and status, and get anchored", async (t) => {
  sim.setTagStatus("C-301.Vibration", StatusCodes.UncertainSensorNotAccurate);
  sim.raiseMaintenance({ asset: "P-102", workOrder: "WO-4242", technician: "r.ng", text: "impeller inspected" });
  const manual = await fetch(`${agent.control.url}/v1/events`, { method: "POST", body: JSON.stringify({ type: "inspection", asset: "C-301", text: "walkdown, no leaks" }) });
  t.equal(manual.status, 201);
  // judged on what the ledger holds: the self-audit may already have purged delivered records from the spool
  const rows = await waitFor(async () => {
    const r = await ledgerRecords(ledger, agent.device);
    const ok = r.length >= 100 && r.some((x) => x.record.kind === "event" && x.record.body.workOrder === "WO-4242")
      && r.some((x) => x.record.kind === "event" && x.record.body.type === "inspection")
      && r.some((x) => x.record.kind === "reading" && x.record.body.status !== 0);
    return ok ? r : undefined;
  }, { what: "100 records incl. both events and a non-Good reading at the ledger" });
  t.same(chainBreaks(rows), [], "ledger holds seq 1..n, each linked to the previous, hashes as signed");
  const flow = rows.find((r) => r.record.kind === "reading" && r.record.body.tag === "P-101.Flow")!.record;
  t.match(flow, { kind: "reading", body: { unit: "m³/h", status: 0, value: { t: "Double" } } }, "unit and status intact");
  const uncertain = rows.find((r) => r.record.kind === "reading" && r.record.body.tag === "C-301.Vibration" && r.record.body.status !== 0);
  t.equal(uncertain?.record.kind === "reading" && uncertain.record.body.status, StatusCodes.UncertainSensorNotAccurate.value, "non-Good status intact");
  t.match(rows.find((r) => r.record.kind === "event" && r.record.body.workOrder === "WO-4242")?.record.body, { type: "maintenance", asset: "P-102", actor: "r.ng" }, "simulator event arrived");
  t.match(rows.find((r) => r.record.kind === "event" && r.record.body.type === "inspection")?.record.body, { asset: "C-301", text: "walkdown, no leaks" }, "manual event arrived");

  const lastIndex = Math.max(...rows.map((r) => r.leafIndex));
  const anchored = await ledger.waitAnchored(lastIndex + 1);
  const onChain = await onChainCheckpoint(ledger, anchored.index);
  t.equal(await logRoot(ledger, onChain.treeSize), onChain.root, "the log holding our records has the root anchored on-chain");
});

t.test("self-audit verifies anchored records against the chain and purges them", async (t) => {
  const seq = agent.spool.head().lastSeq;
  await waitFor(() => agent.spool.stats().lastAnchoredSeq >= seq || undefined, { what: `self-audit up to seq ${seq}`, timeoutMs: 60_000 });
  t.same(agent.status().alarms, [], "no alarm: every record verified within the SLA");
  t.same(agent.status().ledger.domain, { chainId: String(ledger.chain.chainId), contract: ledger.chain.contract.toLowerCase() }, "domain discovered from GET /v1/info");
  t.notOk(spoolRecords(config.spool.dir).some((r) => r.record.header.seq <= seq && r.state === 1), "verified records were purged");
});

t.test("metrics and status report the pipeline", async (t) => {
  const text = await (await fetch(`${agent.control.url}/metrics`)).text();
  t.match(text, /otledger_edge_opcua_connection_state\{state="connected"\} 1/);
  t.match(text, /otledger_edge_spool_pending_records \d+/);
  t.match(text, /otledger_edge_delivery_lag_seconds [\d.e-]+/);
  t.match(text, /otledger_edge_last_anchored_seq \d+/);
  const status = agent.status();
  t.equal(status.opcua.state, "connected");
  t.ok(status.ledger.lastSentSeq > 0, "status shows delivery progress");
});
