// Bytes on disk per sample, this tree beside earlier code, same run, same PostgreSQL. Method: one embedded
// PostgreSQL 18 (default durability) and one anvil chain with LedgerAnchor. Each round creates one fresh database
// per variant; into each, that variant's own service (v1: a git worktree of the last v1 commit; v2-pre0110: a
// worktree of main before migration 0110; v2: this tree; bench/storage/v1-baseline.ts), started in its own
// process, ingests the same plant over HTTP: AGENTS agents ×
// TAGS tags × MINUTES minutes of 1 Hz samples (v1: one reading record per sample in 250-record envelopes; v2: one
// 60-sample series per tag per minute, one envelope per agent-minute), then waits until a checkpoint covers every
// record. Then VACUUM (ANALYZE), CHECKPOINT, and pg_database_size and pg_total_relation_size per table (heap,
// TOAST and indexes, also apart) and each index's size, divided by samples. Rounds take the variants in turn. Reported: median and min/max per round;
// the samples/s of each run (4 senders, end to end) are a side figure: bench/ingest is the throughput bench.
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../server/runtime/embedded-postgres.ts";
import { startTestChain } from "../test/helpers/chain.ts";
import { vacuumAndMeasure, type Sizes } from "./storage/sizes.ts";
import { PRE_0110_COMMIT, v1Worktree, worktreeAt } from "./storage/v1-baseline.ts";

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const AGENTS = Number(process.env.AGENTS ?? 4), TAGS = Number(process.env.TAGS ?? 50), MINUTES = Number(process.env.MINUTES ?? 20);
type Variant = "v1" | "v2-pre0110" | "v2";
const VARIANTS = (process.env.VARIANTS ?? "v1,v2-pre0110,v2").split(",") as Variant[];
const repo = resolve(import.meta.dirname, "..");
const stats = (xs: number[], digits = 1) => {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  const r = (x: number) => Number(x.toFixed(digits));
  return { median: r(median), min: r(s[0]!), max: r(s.at(-1)!), rounds: xs.map(r) };
};

type Run = { samples: number; records: number; samplesPerSecond: number; retries: number; sizes: Sizes };

const root = await mkdtemp(join(tmpdir(), "otledger-bench-storage-"));
await chmod(root, 0o755);
const cluster = await startEmbeddedPostgres({ dataDir: join(root, "pg"), database: "bench" });
const chain = await startTestChain();
const roots: Record<Variant, () => string> = { v1: () => v1Worktree(repo), "v2-pre0110": () => worktreeAt(repo, PRE_0110_COMMIT, "pre0110"), v2: () => repo };
try {
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  // A new database's own catalogs (≈ 7.5 MB) are not the ledger's: net figures subtract them.
  await admin.query("CREATE DATABASE storage_empty");
  const emptyUrl = new URL(cluster.ownerUrl);
  emptyUrl.pathname = "/storage_empty";
  const emptyBytes = (await vacuumAndMeasure(emptyUrl.toString())).database;
  const runs: Record<Variant, Run[]> = { v1: [], "v2-pre0110": [], v2: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const variant of VARIANTS) {
      const name = `storage_${variant.replace("-", "_")}_${round}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(cluster.ownerUrl);
      url.pathname = `/${name}`;
      const out = await child(roots[variant](), variant === "v1" ? 1 : 2, url.toString());
      const sizes = await vacuumAndMeasure(url.toString());
      runs[variant].push({ ...out, sizes });
      process.stderr.write(`round ${round} ${variant}: ${out.records} records, ${((sizes.database - emptyBytes) / out.samples).toFixed(1)} B/sample net, ${out.samplesPerSecond} samples/s\n`);
    }
  }
  await admin.end();
  const summary = (rs: Run[]) => {
    const tables = Object.keys(rs[0]!.sizes.tables);
    return {
      samples: rs[0]!.samples, records: rs[0]!.records,
      databaseBytesPerSample: stats(rs.map((r) => r.sizes.database / r.samples)),
      netDatabaseBytesPerSample: stats(rs.map((r) => (r.sizes.database - emptyBytes) / r.samples)),
      tableBytesPerSample: Object.fromEntries(tables.map((t) => [t, stats(rs.map((r) => (r.sizes.tables[t] ?? 0) / r.samples))])),
      // Medians only: heap, TOAST and indexes of each table, and each index, in bytes per sample.
      tablePartsPerSample: Object.fromEntries(tables.map((t) => [t, Object.fromEntries((["heap", "toast", "indexes"] as const).map((k) => [k, stats(rs.map((r) => (r.sizes.parts[t]?.[k] ?? 0) / r.samples), 2).median]))])),
      indexBytesPerSample: Object.fromEntries(Object.keys(rs[0]!.sizes.indexes).map((i) => [i, stats(rs.map((r) => (r.sizes.indexes[i] ?? 0) / r.samples), 2).median])),
      samplesPerSecond: stats(rs.map((r) => r.samplesPerSecond), 0),
      shedRetries: rs.map((r) => r.retries),
    };
  };
  const v1 = runs.v1.length ? summary(runs.v1) : null, pre = runs["v2-pre0110"].length ? summary(runs["v2-pre0110"]) : null, v2 = runs.v2.length ? summary(runs.v2) : null;
  const ratio = (a: typeof v2, b: typeof v2) => (a && b ? Number((a.netDatabaseBytesPerSample.median / b.netDatabaseBytesPerSample.median).toFixed(4)) : null);
  console.log(JSON.stringify({
    bench: "storage", agents: AGENTS, tags: TAGS, minutes: MINUTES, samplesPerSeries: 60, rounds: ROUNDS,
    v1, "v2-pre0110": pre, v2, emptyDatabaseBytes: emptyBytes,
    v2OverV1NetBytes: ratio(v2, v1), v2OverPre0110NetBytes: ratio(v2, pre),
  }));
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await chain.close();
  await cluster.stop();
  await rm(root, { recursive: true, force: true });
}

function child(codeRoot: string, protocol: 1 | 2, ownerUrl: string): Promise<{ samples: number; records: number; samplesPerSecond: number; retries: number }> {
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", join(repo, "bench/storage/ingest-child.ts")], {
      env: {
        ...process.env, CODE_ROOT: codeRoot, PROTOCOL: String(protocol), OWNER_URL: ownerUrl,
        RPC_URL: chain.rpcUrl, CONTRACT: chain.contract, DEPLOY_BLOCK: String(chain.deployBlock), CHAIN_ID: String(chain.chainId),
        AGENTS: String(AGENTS), TAGS: String(TAGS), MINUTES: String(MINUTES),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    p.stdout.on("data", (d: Buffer) => { stdout += d; });
    p.on("exit", (code) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return fail(new Error(`v${protocol} ingest exited ${code}: ${last}`));
      try { ok(JSON.parse(last)); } catch { fail(new Error(`v${protocol} ingest printed no summary: ${last}`)); }
    });
  });
}
