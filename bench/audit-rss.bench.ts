// Audit peak RSS and throughput of the real CLI (`/usr/bin/time -v otledger audit`) over real ledgers of two sizes
// (service + PostgreSQL + anvil, 60-sample series records in envelopes of 100): the streamed audit
// (`--state` of a fresh file: from the genesis, bounded state) beside the in-memory full audit, same ledger.
//   node_modules/node/bin/node --experimental-strip-types bench/audit-rss.bench.ts [samples…] [runs]
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startApiLedger } from "../test/api/harness.ts";
import { stopTestCluster } from "../test/helpers/postgres.ts";

const args = process.argv.slice(2).map(Number);
const RUNS = args.length > 2 ? args.pop()! : 3;
const SIZES = args.length ? args : [100_000, 1_000_000];
const NODE = resolve(import.meta.dirname, "../node_modules/node/bin/node");
const ENTRY = resolve(import.meta.dirname, "../test/auditor/fixture/cli-entry.ts");

function timed(cli: string[]): Promise<{ rssMb: number; wallS: number; stdout: string }> {
  return new Promise((ok, fail) => execFile("/usr/bin/time", ["-v", NODE, "--experimental-strip-types", "--no-warnings", ENTRY, ...cli], { maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
    const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr);
    if (!rss || !wall) return fail(new Error(`no /usr/bin/time output (${err?.message}): ${stderr.slice(-500)}`));
    ok({ rssMb: Number(rss[1]) / 1024, wallS: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), stdout });
  }));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;

for (const samples of SIZES) {
  const records = Math.ceil(samples / 60);
  const api = await startApiLedger();
  try {
    const device = await api.newDevice();
    for (let sent = 0; sent < records; sent += 100) {
      const res = await api.submit(device.envelope(api.domain, Math.min(100, records - sent)));
      if (res.status !== 201) throw new Error(`submit ${res.status}`);
    }
    const leaves = Number((await api.ownerDb.query("SELECT count(*) AS n FROM leaves")).rows[0].n);
    await api.waitAnchored(leaves, 120_000);
    const key = (await api.principal("bench", "auditor")).key;
    const base = ["audit", "--api", api.url, "--api-key", key, "--rpc", api.chain.rpcUrl, "--no-progress", "--json"];
    const dir = await mkdtemp(join(tmpdir(), "otledger-audit-rss-"));
    const rows: Record<string, { rss: number[]; rate: number[] }> = { streamed: { rss: [], rate: [] }, "in-memory": { rss: [], rate: [] } };
    for (let i = 0; i < RUNS; i++) {
      const s = await timed([...base, "--state", join(dir, `s${i}.json`)]);
      const sr = JSON.parse(s.stdout);
      rows.streamed!.rss.push(s.rssMb); rows.streamed!.rate.push(sr.stats.records / s.wallS);
      const f = await timed(base);
      const fr = JSON.parse(f.stdout);
      rows["in-memory"]!.rss.push(f.rssMb); rows["in-memory"]!.rate.push(fr.stats.records / f.wallS);
      if (sr.verdict !== "clean" || fr.verdict !== "clean") throw new Error(`not clean: ${JSON.stringify(sr.counts)} ${JSON.stringify(fr.counts)}`);
    }
    await rm(dir, { recursive: true, force: true });
    for (const [mode, r] of Object.entries(rows)) {
      console.log(`| ${samples.toLocaleString("en")} | ${records.toLocaleString("en")} | ${mode} | ${median(r.rss).toFixed(1)} (${spread(r.rss)}) | ${median(r.rate).toFixed(0)} (${spread(r.rate.map((x) => Math.round(x)))}) |`);
    }
  } finally {
    await api.close();
  }
}
await stopTestCluster();
