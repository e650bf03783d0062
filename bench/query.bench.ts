// Partner query latency: GET /v1/records, pages of 100 with filters, over ~1M records.
//   node_modules/node/bin/node --experimental-strip-types bench/query.bench.ts [--records=1000000] [--duration=10] [--connections=1,8]
// A real embedded PostgreSQL 18 and anvil: ~1M synthetic records (8 devices on 4 sites, 1 event in 10, 50 tags)
// are bulk-inserted with SQL, integrated and anchored by the service, and a partner with grants for two sites
// queries them. Each filter variant is driven by autocannon in a separate process (so the load generator does
// not share the server's event loop) for --duration seconds at each --connections level (concurrent clients); every
// request also writes its access record (group-committed). Reported: autocannon's p50/p99 latency (ms) and
// throughput per variant, non-2xx count, and the EXPLAIN (ANALYZE, BUFFERS) of each variant's SQL. Goal p99 ≤ 50 ms.
import { spawn } from "node:child_process";
import os from "node:os";
import { join } from "node:path";
import { listRecords } from "../server/api/records-query.ts";
import { scopeOf } from "../server/api/scope.ts";
import { startBenchLedger } from "../test/api/bench-ledger.ts";
import { stopTestCluster } from "../test/helpers/postgres.ts";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const RECORDS = arg("records", 1_000_000);
const DURATION = arg("duration", 10);
const CONNECTIONS = (process.argv.find((a) => a.startsWith("--connections="))?.split("=")[1] ?? "1,8").split(",").map(Number);
const log = (msg: string) => process.stderr.write(`[query.bench] ${msg}\n`);

const { api, devices, total } = await startBenchLedger(RECORDS, log);
const partner = await api.principal("bench-partner", "partner");
await api.grant(partner.id, { site: "plant-1" });
await api.grant(partner.id, { site: "plant-2" });

const variants: { name: string; query: Record<string, string> }[] = [
  { name: "site + kind=reading", query: { site: "plant-1", kind: "reading" } },
  { name: "device + tag", query: { device: devices[1]!, tag: "tag-7" } },
  { name: "eventType + one-day window", query: { eventType: "maintenance" as const, from: "2026-01-05T00:00:00.000Z", to: "2026-01-06T00:00:00.000Z" } },
  { name: "kind=reading from a deep cursor", query: { kind: "reading", cursor: String(Math.floor(total * 0.7)) } },
];

/** The SQL listRecords sends, explained: the same code path, with the final query run under EXPLAIN ANALYZE. */
async function explain(query: Record<string, string>): Promise<string> {
  let plan = "";
  const db = {
    query: async (sql: string, params: unknown[]) => {
      if (!sql.includes("ORDER BY e.first_index")) return api.ownerDb.query(sql, params);
      const res = await api.ownerDb.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      plan = res.rows.map((r) => r["QUERY PLAN"]).join("\n");
      return api.ownerDb.query(sql, params);
    },
  } as unknown as Parameters<typeof listRecords>[0];
  const caller = { id: partner.id, name: "bench-partner", role: "partner" as const, createdAt: "", keyId: "", hidden: [api.serviceKey.address.toLowerCase()] };
  await listRecords(db, { ...query, limit: 100 }, await scopeOf(api.ownerDb, caller));
  return plan;
}

function autocannon(url: string, connections: number): Promise<{ latency: { p50: number; p99: number; max: number }; requests: { average: number; total: number }; non2xx: number; errors: number }> {
  const bin = join(import.meta.dirname, "../node_modules/autocannon/autocannon.js");
  const child = spawn(process.execPath, [bin, "-c", String(connections), "-d", String(DURATION), "-j", "-H", `authorization=Bearer ${partner.key}`, url], { stdio: ["ignore", "pipe", "ignore"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve, reject) => child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`autocannon exited ${code}`)))));
}

type Load = { connections: number; p50Ms: number; p99Ms: number; maxMs: number; reqPerSec: number; requests: number; non2xx: number; errors: number };
const results: { variant: string; url: string; recordsOnPage: number; load: Load[]; explain: string }[] = [];
for (const v of variants) {
  const qs = new URLSearchParams({ ...v.query, limit: "100" }).toString();
  const check = await api.get(`/v1/records?${qs}`, partner.key);
  if (check.statusCode !== 200) throw new Error(`${v.name}: ${check.statusCode} ${check.body}`);
  const plan = await explain(v.query);
  const load: Load[] = [];
  for (const connections of CONNECTIONS) {
    const r = await autocannon(`${api.url}/v1/records?${qs}`, connections);
    log(`${v.name}, ${connections} connection(s): p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${Math.round(r.requests.average)} req/s`);
    load.push({ connections, p50Ms: r.latency.p50, p99Ms: r.latency.p99, maxMs: r.latency.max, reqPerSec: Math.round(r.requests.average), requests: r.requests.total, non2xx: r.non2xx, errors: r.errors });
  }
  results.push({ variant: v.name, url: `/v1/records?${qs}`, recordsOnPage: check.json().records.length, load, explain: plan });
}
await api.close();
await stopTestCluster();
console.log(JSON.stringify({
  bench: "query", goal: "p99 <= 50 ms per page of 100", records: total, durationSec: DURATION, cpus: os.cpus().length,
  worstP99MsByConnections: Object.fromEntries(CONNECTIONS.map((c) => [c, Math.max(...results.map((r) => r.load.find((l) => l.connections === c)!.p99Ms))])), results,
}));
