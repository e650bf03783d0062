// One protocol's side of bench/storage.bench.ts, in its own process (v1 and v2 are separate module graphs):
// builds AGENTS devices × TAGS tags × MINUTES minutes of 1 Hz samples with that protocol's own test builder,
// posts them to that protocol's own service over HTTP (AGENTS concurrent senders), waits until a checkpoint
// covers every record, and prints one JSON line. CODE_ROOT is the tree whose code runs (this one, or the v1
// worktree); the database and chain are the orchestrator's.
import { Agent, request } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Contract, NonceManager, Wallet, ZeroHash, JsonRpcProvider } from "ethers";
import pg from "pg";

const env = (k: string) => { const v = process.env[k]; if (v === undefined) throw new Error(`${k} is required`); return v; };
const ROOT = env("CODE_ROOT"), PROTOCOL = Number(env("PROTOCOL"));
const AGENTS = Number(env("AGENTS")), TAGS = Number(env("TAGS")), MINUTES = Number(env("MINUTES"));
const load = async (rel: string) => import(pathToFileURL(join(ROOT, rel)).href);

const { buildApp } = await load("server/app.ts");
const { loadConfig } = await load("server/config.ts");
const { migrate, enableAppLogin } = await load("server/db/migrate.ts");
const { ledgerAnchorAbi } = await load("core/ledger-anchor-artifact.ts");
const { DEV_KEYS } = await load("server/runtime/local-chain.ts");

const ownerUrl = env("OWNER_URL");
await migrate(ownerUrl);
const appUrl = await enableAppLogin(ownerUrl, "bench-app");
const config = loadConfig({}, { LOG_LEVEL: "warn", BODY_LIMIT_BYTES: 8 * 1024 * 1024 });
const app = await buildApp({
  config, database: { ownerUrl, appUrl },
  chain: { rpcUrl: env("RPC_URL"), contract: env("CONTRACT"), deployBlock: Number(env("DEPLOY_BLOCK")), chainId: Number(env("CHAIN_ID")), anchorer: new Wallet(DEV_KEYS.anchorer) },
});
await app.listen({ port: 0, host: "127.0.0.1" });
const port = (app.server.address() as { port: number }).port;
const domain = app.ledger.domain;

const provider = new JsonRpcProvider(env("RPC_URL"), Number(env("CHAIN_ID")), { staticNetwork: true });
const registrar = new Contract(env("CONTRACT"), ledgerAnchorAbi, new NonceManager(new Wallet(DEV_KEYS.registrar, provider)));
const tags = Array.from({ length: TAGS }, (_, i) => `TT-${String(i + 1).padStart(3, "0")}.PV`);

// Pre-built request bodies per agent (built and signed before the clock starts).
let bodies: string[][];
if (PROTOCOL === 1) {
  // ROOT is the v1 worktree here: its test/helpers/envelopes.ts is v1's builder (this tree's is v2's).
  const { TestDevice, readingRecord } = await load("test/helpers/envelopes.ts");
  const make = (a: string, s: number, p: string | null) => readingRecord(a, s, p, tags[(s - 1) % TAGS]);
  const devices = Array.from({ length: AGENTS }, () => new TestDevice());
  for (const d of devices) await (await registrar.getFunction("registerDevice")(d.address, ZeroHash)).wait();
  const perAgent = TAGS * 60 * MINUTES;
  bodies = devices.map((d) => Array.from({ length: Math.ceil(perAgent / 250) }, (_, i) => JSON.stringify(d.envelope(domain, Math.min(250, perAgent - i * 250), { make }))));
} else {
  const { TestDeviceV2 } = await load("test/helpers/envelopes.ts");
  const devices = Array.from({ length: AGENTS }, () => new TestDeviceV2());
  for (const d of devices) await (await registrar.getFunction("registerDevice")(d.address, ZeroHash)).wait();
  // One envelope per agent-minute: one 60-sample series of each tag.
  bodies = devices.map((d) => Array.from({ length: MINUTES }, () => JSON.stringify(d.sign(domain, tags.flatMap((tag) => d.records(1, { stream: tag, samples: 60 }))))));
}
provider.destroy();

const agent = new Agent({ keepAlive: true, maxSockets: AGENTS });
const once = (body: string) => new Promise<{ status: number; retryAfter: number }>((resolve, reject) => {
  const req = request({ host: "127.0.0.1", port, path: "/v1/envelopes", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers["retry-after"] ?? 1) }));
  });
  req.on("error", reject);
  req.end(body);
});
// A shed request (503 with Retry-After) is sent again after the pause it asks for, as the edge agent does; the
// pause counts in the measured time and the retries are reported.
let retries = 0;
const post = async (body: string): Promise<number> => {
  for (;;) {
    const { status, retryAfter } = await once(body);
    if (status !== 503 && status !== 429) return status;
    retries++;
    await new Promise((ok) => setTimeout(ok, Math.min(Math.max(retryAfter, 0.1), 5) * 1000));
  }
};
const started = performance.now();
await Promise.all(bodies.map(async (mine) => {
  for (const body of mine) {
    const status = await post(body);
    if (status !== 201) throw new Error(`ingest answered ${status}`);
  }
}));
const ingestSeconds = (performance.now() - started) / 1000;
agent.destroy();

// The log is complete when a checkpoint covers every record (the integrator has written leaves and nodes).
const db = new pg.Client({ connectionString: ownerUrl });
await db.connect();
const records = Number((await db.query("SELECT count(*) AS n FROM records")).rows[0].n);
for (let i = 0; i < 1200; i++) {
  const r = await db.query("SELECT coalesce(max(tree_size), 0) AS n FROM checkpoints");
  if (Number(r.rows[0].n) >= records) break;
  await new Promise((ok) => setTimeout(ok, 250));
}
await db.end();
await app.close();
const samples = AGENTS * TAGS * 60 * MINUTES;
console.log(JSON.stringify({ protocol: PROTOCOL, samples, records, ingestSeconds: Number(ingestSeconds.toFixed(2)), samplesPerSecond: Math.round(samples / ingestSeconds), retries }));
