// Ingest throughput: sustained records/s through POST /v1/envelopes beside raw COPY rows/s, same run, same
// PostgreSQL. Method: one embedded PostgreSQL 18 with default durability (fsync on, synchronous_commit on) and a
// local anvil chain with LedgerAnchor. (1) Raw COPY: COPY FROM STDIN (pg-copy-streams) of the same record rows the
// service stores (records' columns, constraints and indexes), 50,000 rows per round, one transaction. (2) Ingest: the full service listening on
// 127.0.0.1 (integrator and anchorer running, default 5 s checkpoints), AGENTS concurrent agents, each a
// registered device sending consecutive 250-record signed envelopes over HTTP keep-alive and waiting for each
// receipt. Envelopes are built, signed and serialised before the clock starts. Each of ROUNDS rounds sends
// ENVELOPES_PER_AGENT envelopes per agent; rounds alternate COPY and ingest. Reported: median and min/max per round.
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { Wallet } from "ethers";
import { recordHash, type EnvelopeV2 } from "../core/index.ts";
import { COLUMNS, rowText } from "../server/ingest/record-rows.ts";
import { buildApp } from "../server/app.ts";
import { loadConfig } from "../server/config.ts";
import { enableAppLogin, migrate } from "../server/db/migrate.ts";
import { startEmbeddedPostgres } from "../server/runtime/embedded-postgres.ts";
import { startTestChain } from "../test/helpers/chain.ts";
import { TestDeviceV2 as TestDevice } from "../test/helpers/envelopes.ts";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const AGENTS = Number(process.env.AGENTS ?? 4);
const ENVELOPES_PER_AGENT = Number(process.env.ENVELOPES_PER_AGENT ?? 20);
const RECORDS_PER_ENVELOPE = 250;
const COPY_ROWS = 50_000;
const SAMPLES_PER_RECORD = 60;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median: Math.round(median), min: Math.round(s[0]!), max: Math.round(s[s.length - 1]!), rounds: s.map(Math.round) };
};

const root = await mkdtemp(join(tmpdir(), "otledger-bench-"));
const { chmod } = await import("node:fs/promises");
await chmod(root, 0o755);
const cluster = await startEmbeddedPostgres({ dataDir: join(root, "pg"), database: "bench" });
const chain = await startTestChain();
try {
  await migrate(cluster.ownerUrl);
  const appUrl = await enableAppLogin(cluster.ownerUrl, "bench-app");
  const owner = new pg.Pool({ connectionString: cluster.ownerUrl, max: 2 });
  owner.on("error", () => {});
  await owner.query("CREATE TABLE copy_baseline (LIKE records INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)");

  const config = loadConfig({ VERIFY_WORKERS: process.env.VERIFY_WORKERS, PG_POOL_MAX: process.env.PG_POOL_MAX, INGEST_MAX_BATCH: process.env.INGEST_MAX_BATCH }, { LOG_LEVEL: "warn", BODY_LIMIT_BYTES: 8 * 1024 * 1024 });
  const app = await buildApp({
    config, database: { ownerUrl: cluster.ownerUrl, appUrl },
    chain: { rpcUrl: chain.rpcUrl, contract: chain.contract, deployBlock: chain.deployBlock, chainId: chain.chainId, anchorer: new Wallet(chain.anchorerKey) },
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const port = (app.server.address() as { port: number }).port;
  const domain = app.ledger.domain;
  const devices = Array.from({ length: AGENTS }, () => new TestDevice());
  for (const d of devices) await chain.registerDevice(d.address);

  // Pre-built bodies: [round][agent][i] -> JSON text.
  const bodies = Array.from({ length: ROUNDS }, () => devices.map((d) => Array.from({ length: ENVELOPES_PER_AGENT }, () => JSON.stringify(d.envelope(domain, RECORDS_PER_ENVELOPE, { samples: SAMPLES_PER_RECORD })))));
  const copyRows = buildCopyRows(JSON.parse(bodies[0]![0]![0]!) as EnvelopeV2);

  const agent = new Agent({ keepAlive: true, maxSockets: AGENTS });
  const post = (body: string) => new Promise<number>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/v1/envelopes", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });

  const ingestRates: number[] = [];
  const copyRates: number[] = [];
  let copyOffset = 0;
  for (let round = 0; round < ROUNDS; round++) {
    copyRates.push(await copyRound(owner, copyRows, copyOffset));
    copyOffset += COPY_ROWS;
    const started = performance.now();
    await Promise.all(bodies[round]!.map(async (mine) => {
      for (const body of mine) {
        const status = await post(body);
        if (status !== 201) throw new Error(`ingest answered ${status}`);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    ingestRates.push((AGENTS * ENVELOPES_PER_AGENT * RECORDS_PER_ENVELOPE) / seconds);
    process.stderr.write(`round ${round + 1}: copy ${Math.round(copyRates[round]!)} rows/s, ingest ${Math.round(ingestRates[round]!)} records/s\n`);
  }
  agent.destroy();
  const ingest = stats(ingestRates);
  const copy = stats(copyRates);
  await app.close();
  await owner.end();
  console.log(JSON.stringify({
    bench: "ingest",
    agents: AGENTS, recordsPerEnvelope: RECORDS_PER_ENVELOPE, envelopesPerAgentPerRound: ENVELOPES_PER_AGENT, rounds: ROUNDS,
    ingestRecordsPerSecond: ingest, copyRowsPerSecond: copy,
    // TestDeviceV2's records are 60-sample series: samples/s = records/s × 60, for ingest and COPY alike.
    samplesPerRecord: SAMPLES_PER_RECORD, ingestSamplesPerSecondMedian: ingest.median * SAMPLES_PER_RECORD, copySamplesPerSecondMedian: copy.median * SAMPLES_PER_RECORD,
    ratioOfMedians: Number((ingest.median / copy.median).toFixed(3)), goal: 0.4,
    // Other work on the machine skews both figures; the ratio, measured in alternating rounds, less so.
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)), cpus: availableParallelism(),
  }));
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await chain.close();
  await cluster.stop();
  await rm(root, { recursive: true, force: true });
}

/** COPY text rows of the service's records rows (record-rows.ts): one 250-record envelope repeated at new positions. */
function buildCopyRows(sample: EnvelopeV2): (offset: number) => Generator<string> {
  const link = `0x${"ab".repeat(32)}`;
  return function* rows(offset: number) {
    for (let i = 0; i < COPY_ROWS; i++) {
      const n = offset + i;
      const r = sample.records[n % sample.records.length]!;
      // New positions (unique seq, streamSeq and hash); both links non-null as for any record past the first.
      const header = { ...r.header, seq: n + 2, streamSeq: n + 2, prev: link, streamPrev: link };
      // The real hash of the new header: records_header_rebuilds (migration 0110) refuses any other.
      yield rowText({ ...r, header }, recordHash(header), 1);
    }
  };
}

async function copyRound(pool: pg.Pool, rows: (offset: number) => Generator<string>, offset: number): Promise<number> {
  const client = await pool.connect();
  try {
    const started = performance.now();
    await client.query("BEGIN");
    const stream = client.query(copyFrom(`COPY copy_baseline (${COLUMNS.join(", ")}) FROM STDIN`));
    await pipeline(Readable.from(batch(rows(offset))), stream);
    await client.query("COMMIT");
    return COPY_ROWS / ((performance.now() - started) / 1000);
  } finally {
    client.release();
  }
}

function* batch(lines: Generator<string>): Generator<string> {
  let buf: string[] = [];
  for (const line of lines) {
    buf.push(line);
    if (buf.length === 1000) { yield buf.join(""); buf = []; }
  }
  if (buf.length > 0) yield buf.join("");
}
