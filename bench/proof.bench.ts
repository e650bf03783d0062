// Proof bundle generation over ~1M records: GET /v1/records/{hash}/proof against the latest anchored checkpoint.
//   node_modules/node/bin/node --experimental-strip-types bench/proof.bench.ts [--records=1000000] [--samples=2000] [--duration=10]
// Same ledger as bench/query.bench.ts (bulk SQL insert, integrated and anchored by the service's own workers, so
// the log proof comes from the stored perfect subtrees). Two measurements:
//  1. generation: findRecord + proofFor (the route's code path: record + envelope row, the envelope's leaves for
//     the envelope proof, O(log n) stored subtree hashes for the log proof, bundle assembly and schema check),
//     called sequentially for --samples random records; p50/p99/max in ms (performance.now);
//  2. the HTTP route, by autocannon (separate process, 1 connection, --duration s) on one record, including auth,
//     the access record written for the read, and serialisation.
// Goal: generation p99 ≤ 20 ms.
import { spawn } from "node:child_process";
import os from "node:os";
import { join } from "node:path";
import { leafHashes } from "../server/log/leaf-store.ts";
import { proofFor } from "../server/api/proof.ts";
import { findRecord } from "../server/api/records-query.ts";
import { FULL_SCOPE } from "../server/api/scope.ts";
import { startBenchLedger } from "../test/api/bench-ledger.ts";
import { stopTestCluster } from "../test/helpers/postgres.ts";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const RECORDS = arg("records", 1_000_000);
const SAMPLES = arg("samples", 2000);
const DURATION = arg("duration", 10);
const log = (msg: string) => process.stderr.write(`[proof.bench] ${msg}\n`);

const { api, total } = await startBenchLedger(RECORDS, log);
const auditor = await api.principal("bench-auditor", "auditor");
const { db, chain } = api.app.ledger;
const scope = FULL_SCOPE;

const hashAt = async (index: number) =>
  "0x" + (await leafHashes(db, index, index + 1))[0]!.toString("hex");

// Warm-up (JIT, connections), then the samples.
for (let i = 0; i < 50; i++) await proofFor(db, chain, (await findRecord(db, await hashAt(i * 997), scope))!);
const times: number[] = [];
let proofHashes = 0;
for (let i = 0; i < SAMPLES; i++) {
  const hash = await hashAt(Math.floor(Math.random() * (total - 1)));
  const t0 = performance.now();
  const row = await findRecord(db, hash, scope);
  const bundle = await proofFor(db, chain, row!);
  times.push(performance.now() - t0);
  if (!("log" in bundle)) throw new Error("a bulk record is not anchored");
  proofHashes += bundle.log.proof.length;
}
times.sort((a, b) => a - b);
const pct = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(times.length * p))]! * 100) / 100;
const generation = { samples: SAMPLES, p50Ms: pct(0.5), p99Ms: pct(0.99), maxMs: Math.round(times[times.length - 1]! * 100) / 100, meanLogProofHashes: Math.round((proofHashes / SAMPLES) * 10) / 10 };
log(`generation: p50 ${generation.p50Ms} ms, p99 ${generation.p99Ms} ms`);

const explained = await api.ownerDb.query<{ "QUERY PLAN": string }>(
  "EXPLAIN (ANALYZE, BUFFERS) SELECT r.hash, e.first_index FROM envelopes e JOIN records r ON r.envelope_id = e.id AND r.device = e.device WHERE r.hash = $1",
  [Buffer.from((await hashAt(Math.floor(total / 2))).slice(2), "hex")]);

const url = `${api.url}/v1/records/${await hashAt(Math.floor(total / 3))}/proof`;
const bin = join(import.meta.dirname, "../node_modules/autocannon/autocannon.js");
const child = spawn(process.execPath, [bin, "-c", "1", "-d", String(DURATION), "-j", "-H", `authorization=Bearer ${auditor.key}`, url], { stdio: ["ignore", "pipe", "ignore"] });
let out = "";
child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
await new Promise((resolve) => child.once("exit", resolve));
const ac = JSON.parse(out);
const http = { connections: 1, p50Ms: ac.latency.p50, p99Ms: ac.latency.p99, maxMs: ac.latency.max, reqPerSec: Math.round(ac.requests.average), non2xx: ac.non2xx };
log(`HTTP: p50 ${http.p50Ms} ms, p99 ${http.p99Ms} ms`);

await api.close();
await stopTestCluster();
console.log(JSON.stringify({
  bench: "proof", goal: "generation p99 <= 20 ms", records: total, cpus: os.cpus().length, loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
  generation, http, explainRecordLookup: explained.rows.map((r) => r["QUERY PLAN"]).join("\n"),
}));
