// COSE Receipts and log tiles over a bulk ledger (default ~1M records, as bench/proof.bench.ts).
//   node_modules/node/bin/node --experimental-strip-types bench/receipt-tiles.bench.ts [--records=1000000] [--samples=2000] [--duration=10]
// Same ledger as bench/proof.bench.ts (bulk SQL insert, integrated and anchored by the service's workers). Measured:
//  1. receipt generation: findRecord + receiptFor (record row, latest anchored checkpoint, O(log n) stored subtree
//     hashes, CBOR encoding, one ES256K signature), sequentially for --samples random records; p50/p99/max ms;
//  2. receipt verification: verifyReceipt (decode, RFC 9162 root, secp256k1 recovery), pure, same receipts;
//  3. tile reads: readTile for random full level-0 tiles and for the level-1 tiles (one range read each);
//  4. the HTTP route GET /v1/log/tile/0/<N> by autocannon (separate process, 1 connection, --duration s), no key.
// Goals: receipt generation p99 <= 20 ms (as proofs); a full tile p99 <= 10 ms.
import { spawn } from "node:child_process";
import os from "node:os";
import { join } from "node:path";
import { verifyReceipt, type ReceiptFacts } from "../core/index.ts";
import { receiptFor } from "../server/api/receipt.ts";
import { latestAnchored } from "../server/api/checkpoints-db.ts";
import { findRecord } from "../server/api/records-query.ts";
import { FULL_SCOPE } from "../server/api/scope.ts";
import { readTile } from "../server/log/tiles.ts";
import { startBenchLedger } from "../test/api/bench-ledger.ts";
import { stopTestCluster } from "../test/helpers/postgres.ts";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const RECORDS = arg("records", 1_000_000);
const SAMPLES = arg("samples", 2000);
const DURATION = arg("duration", 10);
const log = (msg: string) => process.stderr.write(`[receipt-tiles.bench] ${msg}\n`);

const { api, total } = await startBenchLedger(RECORDS, log);
const { db, chain } = api.app.ledger;
const hashAt = async (index: number) =>
  "0x" + (await db.query<{ hash: Buffer }>("SELECT hash FROM leaves WHERE idx = $1", [index])).rows[0]!.hash.toString("hex");
const summary = (times: number[]) => {
  times.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { samples: times.length, p50Ms: r(times[Math.floor(times.length * 0.5)]!), p99Ms: r(times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!), maxMs: r(times.at(-1)!) };
};

const latest = (await latestAnchored(db, chain))!;
const facts: ReceiptFacts = {
  chainId: chain.chainId, contract: chain.contractAddress, checkpoint: { index: latest.index, treeSize: latest.treeSize, root: latest.root },
  signer: { address: api.serviceKey.address.toLowerCase(), registered: true, revoked: false, role: "service" },
};
for (let i = 0; i < 50; i++) await receiptFor(db, chain, api.serviceKey, (await findRecord(db, await hashAt(i * 997), FULL_SCOPE))!);
const generate: number[] = [], verify: number[] = [];
let bytes = 0;
for (let i = 0; i < SAMPLES; i++) {
  const hash = await hashAt(Math.floor(Math.random() * (latest.treeSize - 1)));
  const t0 = performance.now();
  const receipt = await receiptFor(db, chain, api.serviceKey, (await findRecord(db, hash, FULL_SCOPE))!);
  generate.push(performance.now() - t0);
  if (!(receipt instanceof Uint8Array)) throw new Error("a bulk record is not anchored");
  bytes += receipt.length;
  const t1 = performance.now();
  const v = verifyReceipt(receipt, { recordHash: hash, facts });
  verify.push(performance.now() - t1);
  if (!v.ok) throw new Error(`receipt does not verify: ${v.code}`);
}
const receipts = { generation: summary(generate), verification: summary(verify), meanBytes: Math.round(bytes / SAMPLES) };
log(`receipts: generation p99 ${receipts.generation.p99Ms} ms, verification p99 ${receipts.verification.p99Ms} ms`);

const fullTiles = Math.floor(latest.treeSize / 256);
const level0: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const t0 = performance.now();
  await readTile(db, { level: 0, index: Math.floor(Math.random() * fullTiles), width: 256, partial: false }, latest.treeSize);
  level0.push(performance.now() - t0);
}
const level1: number[] = [];
for (let n = 0; n * 256 * 256 < latest.treeSize; n++) {
  const width = Math.min(256, Math.floor(latest.treeSize / 256) - n * 256);
  if (width <= 0) break;
  const t0 = performance.now();
  await readTile(db, { level: 1, index: n, width, partial: width < 256 }, latest.treeSize);
  level1.push(performance.now() - t0);
}
const tiles = { treeSize: latest.treeSize, fullLevel0: summary(level0), level1: summary(level1) };
log(`tiles: level-0 p99 ${tiles.fullLevel0.p99Ms} ms`);

const url = `${api.url}/v1/log/tile/0/${String(Math.floor(fullTiles / 2) % 1000).padStart(3, "0")}`;
const bin = join(import.meta.dirname, "../node_modules/autocannon/autocannon.js");
const child = spawn(process.execPath, [bin, "-c", "1", "-d", String(DURATION), "-j", url], { stdio: ["ignore", "pipe", "ignore"] });
let out = "";
child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
await new Promise((resolve) => child.once("exit", resolve));
const ac = JSON.parse(out);
const http = { url: url.replace(api.url, ""), connections: 1, p50Ms: ac.latency.p50, p99Ms: ac.latency.p99, maxMs: ac.latency.max, reqPerSec: Math.round(ac.requests.average), non2xx: ac.non2xx };
log(`HTTP tile: p50 ${http.p50Ms} ms, p99 ${http.p99Ms} ms, ${http.reqPerSec} req/s`);

await api.close();
await stopTestCluster();
console.log(JSON.stringify({
  bench: "receipt-tiles", goal: "receipt generation p99 <= 20 ms; full tile p99 <= 10 ms", records: total, cpus: os.cpus().length,
  loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10), receipts, tiles, http,
}));
