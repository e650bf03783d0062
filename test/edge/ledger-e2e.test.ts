// Simulator → agent → real ledger (PostgreSQL + anvil): series and events arrive whole and on both chains (device
// and per stream), get anchored on-chain, and the agent's self-audit verifies them against LedgerAnchor and purges them.
import t from "tap";
import { StatusCodes } from "node-opcua";
import { startAgent } from "../../edge/agent.ts";
import { startSimulator } from "../../edge/simulator/server.ts";
import { startApiLedger } from "../api/harness.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { isFull, recordHash, type EventBody, type FullRecord } from "../../core/index.ts";
import { edgeConfig, makeKeystore, PLANT_NODES, spoolRecords, tempDir, testLog } from "./helpers.ts";
import { chainBreaks, ledgerRecords, logRoot, onChainCheckpoint } from "./ledger-helpers.ts";
import { samplesOf } from "./v2-chains.ts";

const ANALOG = ["P-101.Flow", "B-201.DrumPressure", "B-201.SteamTemperature", "C-301.Vibration"];
const ledger = await startApiLedger();
const auditor = await ledger.principal("edge-self-audit", "auditor");
process.env.OTLEDGER_TEST_AUDIT_KEY = auditor.key;
const dir = tempDir("e2e");
const key = await makeKeystore(dir);
await ledger.chain.registerDevice(key.address);
const sim = await startSimulator({ tickMs: 50, timeScale: 5 });
const config = edgeConfig({
  endpoint: sim.endpointUrl, dir, keystore: key.file, ledgerUrl: ledger.url,
  // 1 s series windows: several sealed series per tag within seconds
  opcua: { window: { seconds: 1, maxSamples: 4096 } },
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

t.test("simulator values and events reach the ledger as series and events on both chains, with unit and status, and get anchored", async (t) => {
  sim.setTagStatus("C-301.Vibration", StatusCodes.UncertainSensorNotAccurate);
  sim.raiseMaintenance({ asset: "P-102", workOrder: "WO-4242", technician: "r.ng", text: "impeller inspected" });
  const manual = await fetch(`${agent.control.url}/v1/events`, { method: "POST", body: JSON.stringify({ type: "inspection", asset: "C-301", text: "walkdown, no leaks" }) });
  t.equal(manual.status, 201);
  // judged on what the ledger holds: the self-audit may already have purged delivered records from the spool
  const rows = await waitFor(async () => {
    const r = await ledgerRecords(ledger, agent.device);
    const full = r.map((x) => x.record).filter(isFull);
    // every tag has records; the changing ones several series (a tag that stays put, like a run state, seals its
    // one sample as a reading)
    const ok = PLANT_NODES.every((n) => full.some((x) => x.stream.name === n.tag))
      && ANALOG.every((tag) => full.filter((x) => x.stream.name === tag && x.header.kind === "series").length >= 2)
      && full.some((x) => x.stream.name === "@events/P-102" && (x.body as EventBody).workOrder === "WO-4242")
      && full.some((x) => x.stream.name === "@events/C-301" && (x.body as EventBody).type === "inspection")
      && full.some((x) => x.stream.name === "C-301.Vibration" && samplesOf(x).some((s) => s.status !== 0));
    return ok ? r : undefined;
  }, { what: "records of every tag, two series of each analog one, both events and a non-Good sample at the ledger", timeoutMs: 90_000 });
  t.same(chainBreaks(rows), [], "ledger holds seq 1..n and every stream 1..m, each linked to its previous record, hashes as signed");
  t.ok(rows.every((r) => isFull(r.record)), "every record arrived with all its openings");
  const full = rows.map((r) => r.record as FullRecord);
  const flow = full.find((r) => r.stream.name === "P-101.Flow" && r.header.kind === "series")!;
  t.match(flow.body, { nodeId: "ns=1;s=P-101.Flow", unit: "m³/h", dataType: "Double" }, "unit and data type intact");
  t.ok(samplesOf(flow).length > 1 && samplesOf(flow).every((s) => s.status === 0), "a series of Good samples");
  const uncertain = full.filter((r) => r.stream.name === "C-301.Vibration").flatMap(samplesOf).find((s) => s.status !== 0);
  t.equal(uncertain?.status, StatusCodes.UncertainSensorNotAccurate.value, "non-Good status intact");
  const maintenance = full.find((r) => (r.body as EventBody).workOrder === "WO-4242")!;
  t.match(maintenance, { header: { kind: "event" }, stream: { name: "@events/P-102" }, body: { type: "maintenance", asset: "P-102" }, personal: { actor: "r.ng" } }, "simulator event arrived in its asset's stream, the technician in the personal opening");
  const inspection = full.find((r) => r.stream.name === "@events/C-301")!;
  t.match(inspection, { body: { type: "inspection", asset: "C-301" }, personal: { text: "walkdown, no leaks" } }, "manual event arrived");

  // the ledger serves the samples of a series as the agent captured them
  const served = await ledger.get(`/v1/records/${recordHash(flow.header)}/samples`, auditor.key);
  t.equal(served.statusCode, 200, "GET /v1/records/{hash}/samples answers");
  t.same((served.json() as { samples: { time: string; status: number; value: unknown }[] }).samples.map((s) => [Date.parse(s.time), s.status, s.value]),
    samplesOf(flow).map((s) => [s.t, s.status, s.value]), "samples route gives back exactly the series' samples");

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
