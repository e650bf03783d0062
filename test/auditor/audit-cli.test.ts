// `otledger audit --bundle` and `otledger export-bundle` end to end through the CLI, against a real chain:
// bundles round-trip (.tar.gz and .json), tampering is caught, --json and --html work, exit codes are as documented.
import t from "tap";
import { createServer } from "node:http";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeJsonBundle, writeTarBundle, type BundleLine } from "../../auditor/format/bundle-write.ts";
import { startAnvil } from "./fixture/anvil.ts";
import { ledgerOnAnvil } from "./fixture/ledger-on-anvil.ts";
import { runCli } from "./fixture/run-cli.ts";

const { anvil, ledger } = await ledgerOnAnvil(t);
const press = await ledger.register("press-7");
const oven = await ledger.register("oven-3");
// Series of 2 samples each: 75 records, 150 samples.
const two = { samples: 2 } as const, at = () => new Date().toISOString();
ledger.submit(press, 30, at(), two);
ledger.submit(oven, 20, at(), two);
await ledger.anchor();
ledger.submit(press, 25, at(), two);
await ledger.anchor();
const lines = (await ledger.exportLines()) as BundleLine[];
const dir = await mkdtemp(join(tmpdir(), "otledger-audit-cli-"));
async function* each(ls: readonly BundleLine[]) { yield* ls; }

const tarPath = join(dir, "bundle.tar.gz");
const jsonPath = join(dir, "bundle.json");
await writeTarBundle(tarPath, each(lines));
await writeJsonBundle(jsonPath, each(lines));

t.test("a regulator bundle checks clean with an RPC URL alone (.tar.gz and .json)", async (t) => {
  for (const path of [tarPath, jsonPath]) {
    const r = await runCli(["audit", "--bundle", path, "--rpc", anvil.url, "--no-progress"]);
    t.equal(r.code, 0, `${path}: ${r.stderr}`);
    t.match(r.stdout, /VERDICT: CLEAN/);
    t.match(r.stdout, /read: 75 records, 3 envelopes, 2 devices, 2 streams, 75 leaves/);
    t.match(r.stdout, /openings: 75 full, 0 erased/);
  }
});

t.test("a tampered bundle exits 1 and names the finding; --json is machine-readable", async (t) => {
  const tampered = structuredClone(lines);
  const rec = tampered.find((l) => l.type === "record" && (l.record as { header: { seq: number } }).header.seq === 10)!;
  (rec.record as { header: { ts: string } }).header.ts = "2030-01-01T00:00:00.000Z";
  const path = join(dir, "tampered.tar.gz");
  await writeTarBundle(path, each(tampered));
  const human = await runCli(["audit", "--bundle", path, "--rpc", anvil.url, "--no-progress"]);
  t.equal(human.code, 1);
  t.match(human.stdout, /RECORD_HASH_MISMATCH ×1/);
  t.match(human.stdout, /expected: 0x[0-9a-f]{64}\n\s+computed: 0x[0-9a-f]{64}/);
  const json = await runCli(["audit", "--bundle", path, "--rpc", anvil.url, "--json"]);
  t.equal(json.code, 1);
  const report = JSON.parse(json.stdout);
  t.equal(report.verdict, "findings");
  t.equal(report.counts.RECORD_HASH_MISMATCH, 1);
});

t.test("--html writes a self-contained report", async (t) => {
  const html = join(dir, "report.html");
  const r = await runCli(["audit", "--bundle", tarPath, "--rpc", anvil.url, "--html", html, "--no-progress"]);
  t.equal(r.code, 0, r.stderr);
  const page = await readFile(html, "utf8");
  t.match(page, /CLEAN — no findings/);
  t.match(page, /var uPlot=|uPlot=function|function uPlot/, "uPlot is inlined");
  t.notMatch(page, /<script[^>]+src=|<link[^>]+href=/, "no external resources");
  const data = JSON.parse(/<script type="application\/json" id="audit-data">(.*?)<\/script>/s.exec(page)![1]!);
  t.equal(data.timeline.length, 2, "two checkpoints on the timeline");
  t.equal(data.series.length, 2, "one reading series per device");
  t.equal(data.series[0].t.length + data.series[1].t.length, 150, "every sample of every series plotted");
});

t.test("usage and I/O errors exit 2 with a clear message", async (t) => {
  const none = await runCli(["audit", "--rpc", anvil.url]);
  t.equal(none.code, 2);
  t.match(none.stderr, /nothing to audit/);
  const missing = await runCli(["audit", "--bundle", join(dir, "absent.tar.gz"), "--rpc", anvil.url]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /cannot open bundle/);
  const wrongContract = await runCli(["audit", "--bundle", tarPath, "--rpc", anvil.url, "--contract", "0x" + "cd".repeat(20)]);
  t.equal(wrongContract.code, 2);
  t.match(wrongContract.stderr, /no contract at 0xcdcd.* wrong chain or wrong address/);
  const other = await startAnvil(777);
  t.teardown(() => other.stop());
  const wrongChain = await runCli(["audit", "--bundle", tarPath, "--rpc", other.url]);
  t.equal(wrongChain.code, 2);
  t.match(wrongChain.stderr, /serves chain 777, but the ledger anchors on chain 31337/);
  t.equal((await runCli(["audit", "--sla", "soon"])).code, 2, "bad option value: 2");
  for (const r of [none, missing, wrongContract, wrongChain]) t.notMatch(r.stderr, /\n\s+at /, "no stack trace");
});

t.test("export-bundle packs the export stream and completes anchor receipts from the chain", async (t) => {
  // Stand-in for the partner API's GET /v1/export until server/api lands: serves the ledger's stream without receipts.
  const served = lines.map((l) => (l.type === "checkpoint" ? { ...l, tx: undefined, receipt: undefined } : l));
  let auth = "";
  const api = createServer((req, res) => {
    auth = req.headers.authorization ?? "";
    if (!req.url?.startsWith("/v1/export")) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.end(served.map((l) => JSON.stringify(l)).join("\n") + "\n");
  });
  await new Promise<void>((ok) => api.listen(0, "127.0.0.1", ok));
  t.teardown(() => new Promise<void>((ok) => api.close(() => ok())));
  const url = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  const out = join(dir, "exported.tar.gz");
  const r = await runCli(["export-bundle", "--api", url, "--api-key", "k-123", "-o", out, "--rpc", anvil.url]);
  t.equal(r.code, 0, r.stderr);
  t.equal(auth, "Bearer k-123");
  t.match(r.stdout, /75 records, 3 envelopes, 2 checkpoints \(2 receipts read from the chain\)/);
  const audit = await runCli(["audit", "--bundle", out, "--rpc", anvil.url, "--no-progress"]);
  t.equal(audit.code, 0, audit.stdout + audit.stderr);
  const noRpc = await runCli(["export-bundle", "--api", url, "--api-key", "k", "-o", join(dir, "x.tar.gz")]);
  t.equal(noRpc.code, 2, "receipts missing and no --rpc: 2");
  t.match(noRpc.stderr, /give --rpc URL/);
  t.equal((await runCli(["export-bundle", "--api", url, "--api-key", "k", "-o", join(dir, "x.zip")])).code, 2, "bad -o extension: 2");
});
