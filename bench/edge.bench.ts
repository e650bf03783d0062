// Edge agent throughput (protocol v2): samples/s from the plant simulator through to receipts acknowledged by the
// ledger, and the agent's CPU per 1k samples. Three processes, so each is measured on its own:
//   - simulator (child): the plant plus an economiser bank of SENSORS thermocouples, all changing every TICK ms;
//   - ledger (child): the real service (Fastify + embedded PostgreSQL + anvil, test/helpers/ledger.ts);
//   - agent (this process): OPC UA subscription (samplingInterval 0 = every change, publishing 100 ms) → sqlite
//     spool (WAL, synchronous=FULL, one transaction per publish: each sample durable in its tag's open series
//     window) → a series record per tag every SERIES_WINDOW_S s (device and stream chains, salts, commitments)
//     → EIP-712 (domain "2") signed envelopes of up to ENVELOPE records → POST /v1/envelopes.
// After WARMUP s, the window of WINDOW s counts acknowledged samples: the agent's acknowledged seq
// (sender.lastSentSeq, advanced only by a receipt) at the window's start and end, and the samples of the records
// up to each seq as the ledger stored them (records.samples, read after the window, outside the CPU measurement).
// Windows seal in bursts, so WINDOW should span several SERIES_WINDOW_S. CPU = process.cpuUsage() delta of the
// agent process (user + system) divided by acknowledged samples / 1000. Self-audit is off by default (the goal is
// about receipts); EDGE_BENCH_AUDIT=1 turns it on and reports records verified against the chain per second.
//   node_modules/node/bin/node --experimental-strip-types bench/edge.bench.ts [sensors] [window-s]
//   EDGE_BENCH_SERIES_WINDOW_S (default 1): series window of every tag; EDGE_BENCH_SYNC=NORMAL: spool without fsync
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const role = process.argv[2];
const SENSORS = Number(process.env.EDGE_BENCH_SENSORS ?? process.argv[2] ?? 300);
const WINDOW_S = Number(process.argv[3] ?? 10);
const WARMUP_S = 4;
const TICK_MS = 50;
const ENVELOPE = 1000;
/** seconds of samples per series record (the agent's default is 60 s; shorter here, so a short run seals many) */
const SERIES_WINDOW_S = Number(process.env.EDGE_BENCH_SERIES_WINDOW_S ?? 1);
const SYNC = process.env.EDGE_BENCH_SYNC === "NORMAL" ? "NORMAL" : "FULL";
/** EDGE_BENCH_AUDIT=1: self-audit on as well (one envelope proof per envelope, verified against the chain), its rate reported */
const AUDIT = process.env.EDGE_BENCH_AUDIT === "1";

/** Starts `node bench/edge.bench.ts <role> …` and resolves with the JSON it prints first. */
async function child(args: string[]): Promise<{ proc: ChildProcess; info: Record<string, unknown> }> {
  const proc = spawn(process.execPath, ["--experimental-strip-types", "--no-warnings", import.meta.filename, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once("line", resolve);
    proc.once("exit", (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return { proc, info: JSON.parse(line) };
}

if (role === "sim") {
  const { startSimulator } = await import("../edge/simulator/server.ts");
  const sim = await startSimulator({ tickMs: TICK_MS, sensorBankSize: Number(process.argv[3]), alarmEverySeconds: 0 });
  process.stdout.write(`${JSON.stringify({ endpointUrl: sim.endpointUrl, tags: sim.tags.map((t) => t.tag) })}\n`);
  process.stdin.on("end", () => void sim.stop().then(() => process.exit(0)));
  process.stdin.resume();
} else if (role === "ledger") {
  const { startApiLedger } = await import("../test/api/harness.ts");
  const { stopTestCluster } = await import("../test/helpers/postgres.ts");
  const ledger = await startApiLedger({ config: { CHECKPOINT_INTERVAL_MS: 1000, MAX_RECORDS_PER_ENVELOPE: ENVELOPE } });
  await ledger.chain.registerDevice(process.argv[3]!);
  const auditor = await ledger.principal("edge-bench", "auditor");
  process.stdout.write(`${JSON.stringify({ url: ledger.url, chainId: ledger.chain.chainId, contract: ledger.chain.contract, rpcUrl: ledger.chain.rpcUrl, auditKey: auditor.key, ownerUrl: ledger.database.ownerUrl })}\n`);
  process.stdin.on("end", () => void ledger.close().then(stopTestCluster).then(() => process.exit(0)));
  process.stdin.resume();
} else {
  const { startAgent } = await import("../edge/agent.ts");
  const { parseConfig } = await import("../edge/config.ts");
  const { createKeystore } = await import("../edge/keys.ts");
  const dir = mkdtempSync(join(tmpdir(), "otledger-edge-bench-"));
  process.env.EDGE_BENCH_PW = "edge-bench-password";
  const address = await createKeystore(join(dir, "device.json"), process.env.EDGE_BENCH_PW, { scryptN: 1 << 10 });
  const sim = await child(["sim", String(SENSORS)]);
  const ledger = await child(["ledger", address]);
  process.env.EDGE_BENCH_AUDIT_KEY = String(ledger.info.auditKey);
  const tags = (sim.info.tags as string[]).filter((t) => !/RunState|Fault/.test(t));
  const config = parseConfig({
    opcua: {
      endpoint: sim.info.endpointUrl, publishingInterval: 100, window: { seconds: SERIES_WINDOW_S, maxSamples: 4096 },
      nodes: tags.map((tag) => ({ nodeId: `ns=1;s=${tag}`, tag, samplingInterval: 0, queueSize: 1000 })), events: [{}],
    },
    device: { keystore: join(dir, "device.json"), passwordEnv: "EDGE_BENCH_PW" },
    ledger: { url: ledger.info.url, chainId: ledger.info.chainId, contract: ledger.info.contract, rpcUrl: ledger.info.rpcUrl, apiKey: { passwordEnv: "EDGE_BENCH_AUDIT_KEY" } },
    envelope: { maxRecords: ENVELOPE, lingerMs: 100 },
    spool: { dir: join(dir, "spool"), synchronous: SYNC },
    selfAudit: { enabled: AUDIT, intervalMs: 100, batch: 2000, concurrency: Number(process.env.EDGE_BENCH_AUDIT_CONCURRENCY ?? 16) },
    control: { port: 0 },
  }, dir);
  const quiet = { info() {}, warn: (o: object, m?: string) => { if (process.env.EDGE_BENCH_DEBUG) console.error(m, JSON.stringify(o)); }, error: (o: object, m?: string) => console.error(m, JSON.stringify(o)) };
  const timing = { envelopes: 0, buildMs: 0, postMs: 0 };
  const agent = await startAgent(config, {
    log: quiet, onEnvelopeTiming: (t) => { timing.envelopes++; timing.buildMs += t.buildMs; timing.postMs += t.postMs; },
  });
  // wall time spent inside the (synchronous) spool calls: the event loop is blocked meanwhile
  const spoolMs: Record<string, number> = { capture: 0, sealDue: 0, pending: 0, markSent: 0 };
  const spool = agent.spool as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of Object.keys(spoolMs)) {
    const orig = spool[m]!.bind(agent.spool);
    spool[m] = (...a: unknown[]) => { const t0 = performance.now(); try { return orig(...a); } finally { spoolMs[m]! += performance.now() - t0; } };
  }
  await agent.capture.ready;
  const acked = () => agent.sender.lastSentSeq;
  const captured = async () => (await agent.metrics!.samples.get()).values[0]?.value ?? 0;
  const produced = () => agent.spool.head().lastSeq;
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  const verified = () => agent.audit?.verifiedTotal ?? 0;
  const start = { acked: acked(), captured: await captured(), produced: produced(), verified: verified(), cpu: process.cpuUsage(), t: performance.now() };
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  const cpu = process.cpuUsage(start.cpu);
  const seconds = (performance.now() - start.t) / 1000;
  const end = { acked: acked(), captured: await captured(), produced: produced(), verified: verified() };
  const { default: pg } = await import("pg");
  const db = new pg.Client({ connectionString: String(ledger.info.ownerUrl) });
  await db.connect();
  /** samples of the device's records 1..seq as the ledger stored them */
  const samplesThrough = async (seq: number) => Number((await db.query("SELECT coalesce(sum(samples), 0) AS n FROM records WHERE device = $1 AND seq <= $2", [Buffer.from(address.slice(2), "hex"), seq])).rows[0].n);
  const ackedN = (await samplesThrough(end.acked)) - (await samplesThrough(start.acked));
  await db.end();
  const recordsN = end.acked - start.acked;
  const capturedN = end.captured - start.captured;
  const verifiedN = end.verified - start.verified;
  const stats = agent.spool.stats();
  const result = {
    bench: "edge", sensors: SENSORS, spoolSynchronous: SYNC, monitoredItems: tags.length, offeredNominalPerSecond: Math.round(tags.length * (1000 / TICK_MS)), windowSeconds: Number(seconds.toFixed(2)),
    seriesWindowSeconds: SERIES_WINDOW_S,
    capturedSamplesPerSecond: Math.round(capturedN / seconds), ackedSamplesPerSecond: Math.round(ackedN / seconds),
    ackedRecordsPerSecond: Math.round(recordsN / seconds), producedRecordsPerSecond: Math.round((end.produced - start.produced) / seconds),
    agentCpuMsPer1kSamples: Number(((cpu.user + cpu.system) / 1000 / (ackedN / 1000)).toFixed(1)),
    agentCpuCores: Number(((cpu.user + cpu.system) / 1e6 / seconds).toFixed(2)),
    pendingAtEnd: stats.pending, deliveryLagSecondsAtEnd: Number(((stats.oldestPendingAgeMs ?? 0) / 1000).toFixed(2)),
    goalSamplesPerSecond: 5000,
    selfAudit: AUDIT, verifiedPerSecond: Math.round(verifiedN / seconds),
    spoolMs: Object.fromEntries(Object.entries(spoolMs).map(([k, v]) => [k, Math.round(v)])),
    envelopes: timing.envelopes, meanBuildMs: Number((timing.buildMs / timing.envelopes).toFixed(1)), meanPostMs: Number((timing.postMs / timing.envelopes).toFixed(1)),
  };
  if (process.env.EDGE_BENCH_DEBUG) {
    const first = agent.spool.awaitingAudit(1)[0];
    const res = first && await fetch(`${ledger.info.url}/v1/records/${first.hash}/proof`, { headers: { authorization: `Bearer ${ledger.info.auditKey}` } });
    console.error("debug", JSON.stringify({ audit: agent.audit !== null, status: agent.status().selfAudit, alarms: agent.status().alarms.slice(0, 3), first, proof: res?.status, body: (await res?.text())?.slice(0, 300) }));
  }
  await agent.stop();
  sim.proc.stdin!.end();
  ledger.proc.stdin!.end();
  await Promise.all([sim.proc, ledger.proc].map((p) => new Promise((r) => p.once("exit", r))));
  process.stdout.write(`one agent: ${result.ackedSamplesPerSecond} acknowledged samples/s in ${result.ackedRecordsPerSecond} records/s (captured ${result.capturedSamplesPerSecond}/s, nominal offer ${result.offeredNominalPerSecond}/s; ${SERIES_WINDOW_S} s series windows), ${result.agentCpuMsPer1kSamples} ms agent CPU per 1k samples (${result.agentCpuCores} cores), lag at end ${result.deliveryLagSecondsAtEnd} s${AUDIT ? `; self-audit verified ${result.verifiedPerSecond} records/s` : ""}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
