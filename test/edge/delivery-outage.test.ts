// Delivery survives a ledger outage and a SIGKILL of the agent: every record arrives once, in one unbroken device
// chain with every stream chain unbroken, and no sample is lost (the samples of windows a kill left open arrive
// after the restart) or delivered twice.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { recordHash, type FullRecord } from "../../core/index.ts";
import { startAgent } from "../../edge/agent.ts";
import { startSimulator } from "../../edge/simulator/server.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { PLANT_NODES, PW_ENV, edgeConfig, makeKeystore, openSamples, spoolRecords, tempDir, testLog } from "./helpers.ts";
import { chainBreaks, ledgerRecords } from "./ledger-helpers.ts";
import { startTcpProxy } from "./tcp-proxy.ts";
import { samplesOf } from "./v2-chains.ts";

const ledger = await startTestLedger();
const sim = await startSimulator({ tickMs: 50 });
t.teardown(async () => {
  await sim.stop();
  await ledger.close();
  await stopTestCluster();
});

/** Short windows (1 s or 5 samples): many records per second from the simulator's tags. */
const WINDOW = { seconds: 1, maxSamples: 5 };
const sampleKey = (stream: string, s: { t: number; value: unknown }) => `${stream}|${s.t}|${JSON.stringify(s.value)}`;
/** One key per sample of every series and reading the ledger holds: a sample delivered twice repeats its key. */
const sampleKeys = (rows: Awaited<ReturnType<typeof ledgerRecords>>) =>
  rows.flatMap((r) => samplesOf(r.record as FullRecord).map((s) => sampleKey((r.record as FullRecord).stream.name, s)));

t.test("ledger down for a while, then up: everything delivered, no gap, no duplicate", async (t) => {
  const dir = tempDir("outage");
  const key = await makeKeystore(dir);
  await ledger.chain.registerDevice(key.address);
  const proxy = await startTcpProxy(Number(new URL(ledger.url).port));
  const config = edgeConfig({
    endpoint: sim.endpointUrl, dir, keystore: key.file, ledgerUrl: proxy.url, envelope: { maxRecords: 50, lingerMs: 50 }, opcua: { window: WINDOW },
    ledger: { chainId: ledger.chain.chainId, contract: ledger.chain.contract },
  });
  const agent = await startAgent(config, { log: testLog });
  t.teardown(async () => { await agent.stop(); await proxy.close(); });
  await waitFor(async () => (await ledgerRecords(ledger, agent.device)).length >= 30 || undefined, { what: "first deliveries" });

  await proxy.down();
  const atDown = agent.spool.head().lastSeq;
  await waitFor(async () => {
    const failures = (await agent.metrics.deliveryFailures.get()).values.reduce((n, v) => n + v.value, 0);
    return failures >= 3 && agent.spool.head().lastSeq >= atDown + 60 ? true : undefined;
  }, { what: "failed retries while records pile up" });
  const heldBack = agent.spool.stats().pending;
  t.ok(heldBack >= 60, `records kept pending while the ledger is down (${heldBack})`);
  await proxy.up();
  const target = agent.spool.head().lastSeq;
  const rows = await waitFor(async () => {
    const r = await ledgerRecords(ledger, agent.device);
    return r.length >= target ? r : undefined;
  }, { what: `delivery up to seq ${target}` });
  t.same(chainBreaks(rows), [], "seq 1..n without gap, each record linked to the previous, each stream unbroken");
  const keys = sampleKeys(rows);
  t.equal(new Set(keys).size, keys.length, "no sample delivered twice");
});

t.test("SIGKILL the agent while it sends, restart: everything delivered, no gap, no duplicate", async (t) => {
  const dir = tempDir("sigkill");
  const key = await makeKeystore(dir);
  await ledger.chain.registerDevice(key.address);
  const file = join(dir, "plant.json");
  writeFileSync(file, JSON.stringify({
    opcua: { endpoint: sim.endpointUrl, publishingInterval: 50, nodes: PLANT_NODES, events: [{}], window: WINDOW },
    device: { keystore: key.file, passwordEnv: PW_ENV },
    ledger: { url: ledger.url, chainId: ledger.chain.chainId, contract: ledger.chain.contract },
    envelope: { maxRecords: 10, lingerMs: 10 },
    delivery: { initialBackoffMs: 50, maxBackoffMs: 500 },
    spool: { dir: "spool" },
    control: { port: 0 },
  }));
  const run = (): ChildProcess => spawn(process.execPath, ["--experimental-strip-types", "--no-warnings", join(import.meta.dirname, "fixtures/otledger.ts"), "edge", "--config", file], {
    stdio: ["ignore", "ignore", process.env.EDGE_TEST_DEBUG ? "inherit" : "ignore"], env: { ...process.env, OTLEDGER_LOG_LEVEL: "warn" },
  });
  const spoolDir = join(dir, "spool");
  let child = run();
  t.teardown(() => { child.kill("SIGKILL"); });
  await waitFor(async () => (await ledgerRecords(ledger, key.address)).length >= 60 || undefined, { what: "deliveries from the first run" });
  // Kill mid-window: right after the spool shows captured samples in open windows (a window lasts ≥ 1 s, the
  // kill follows within milliseconds), so the restart has something to seal however loaded the machine is.
  await waitFor(() => [...openSamples(spoolDir)].some(([, samples]) => samples.length >= 2) || undefined, { what: "samples in an open window" });
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
  const afterKill = spoolRecords(spoolDir);
  const openAtKill = [...openSamples(spoolDir)].flatMap(([stream, samples]) => samples.map((s) => sampleKey(stream, s)));
  const delivered = (await ledgerRecords(ledger, key.address)).length;
  t.ok(afterKill.at(-1)!.record.header.seq >= delivered, "the spool holds at least everything the ledger got");
  t.ok(openAtKill.length > 0, "the kill left samples in open windows");

  child = run();
  const target = afterKill.at(-1)!.record.header.seq + 40;
  const rows = await waitFor(async () => {
    const r = await ledgerRecords(ledger, key.address);
    return r.length >= target ? r : undefined;
  }, { what: `delivery past seq ${target} after the restart` });
  child.kill("SIGTERM");
  t.same(chainBreaks(rows), [], "the restarted agent continued both chains: no reused seq or stream seq, no gap");
  const killedSpool = new Map(afterKill.map((r) => [r.record.header.seq, r.record]));
  const compared = rows.filter((r) => killedSpool.has(r.seq));
  t.ok(compared.length > 0, "some records were still spooled at the kill");
  t.same(compared.filter((r) => recordHash(killedSpool.get(r.seq)!.header) !== r.hash).map((r) => r.seq), [], "records spooled before the kill arrived unchanged");
  const keys = sampleKeys(rows);
  const atLedger = new Set(keys);
  t.same(openAtKill.filter((k) => !atLedger.has(k)), [], "every sample of the windows the kill left open reached the ledger");
  t.equal(atLedger.size, keys.length, "no sample delivered twice");
});
