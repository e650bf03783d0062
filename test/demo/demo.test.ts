// `npm run demo` as a user runs it: a child process with a short stream; it must pass every verification, detect
// the tampering, print the figures, leave the HTML report and remove its data (all processes stopped).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import t from "tap";

const ROOT = resolve(import.meta.dirname, "../..");
const NODE = existsSync(join(ROOT, "node_modules/node/bin/node")) ? join(ROOT, "node_modules/node/bin/node") : process.execPath;

function runDemo(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(NODE, ["--disable-warning=ExperimentalWarning", "scripts/demo/main.ts", ...args], {
      cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

const figure = (out: string, name: string): string => new RegExp(`^\\s+${name}\\s+(.+)$`, "m").exec(out)?.[1] ?? "";

t.test("the demo tells the whole story and exits 0", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "otledger-demo-test-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const report = join(dir, "report.html");
  const { code, stdout, stderr } = await runDemo(["--report", report], { DEMO_STREAM_SECONDS: "4" });
  t.equal(code, 0, "exit code 0", { stdout, stderr });

  t.ok(Number(figure(stdout, "records delivered by the agent").split(" ")[0]!.replace(/,/g, "")) > 0, "records delivered > 0");
  t.ok(Number(figure(stdout, "checkpoints anchored").split(",")[0]) > 0, "at least one checkpoint anchored");
  t.match(figure(stdout, "gas per anchor"), /^median [\d,]+ /, "gas per anchor read from the receipts");
  t.match(stdout, /✓ device key created and enrolled on-chain/);
  // v2: samples are batched into series, read back by the samples route; a stub keeps the record hash.
  const perSeries = /^median (\d+) \(min (\d+), max (\d+)\); ([\d,]+) samples in ([\d,]+) series/.exec(figure(stdout, "samples per series record"));
  t.ok(perSeries !== null && Number(perSeries[1]) > 1 && Number(perSeries[5]!.replace(/,/g, "")) > 0, "series records hold several samples each", { perSeries });
  t.match(stdout, /✓ the samples route gives the series' samples — \d+ samples from .* = header span/);
  t.match(stdout, /✓ the tag filter selects one stream/);
  t.match(figure(stdout, "stub of a series record"), /^[\d,]+ of [\d,]+ bytes, same record hash/);
  t.match(stdout, /✓ in scope: the asset filter selects one asset's events — \?asset=P-101 → [1-9]\d* records, all in stream @events\/P-101/);
  t.match(stdout, /✓ out of scope: series query returns nothing — .* → 0 records/);
  t.match(stdout, /✓ out of scope: a series by hash and its samples are absent — .* → 404 not_found, …\/samples → 404 not_found/);
  t.match(stdout, /✓ partner gets the maintenance record's proof bundle — otledger\.bundle\/2/);
  t.match(stdout, /✓ proof bundle verifies against LedgerAnchor/);
  t.match(stdout, /✓ full audit is clean/);
  t.match(stdout, /VERDICT: CLEAN — no findings/);
  // The header commits to the body under a salt: an edited body keeps the record hash and fails the commitment.
  t.match(stdout, /✓ tampered proof bundle is rejected — verify → INVALID, body_commitment_mismatch/);
  t.match(stdout, /✓ tampered regulator bundle has findings — verdict FINDINGS: BODY_COMMITMENT_MISMATCH/);
  t.match(stdout, /✓ every process the demo started stopped gracefully/);
  t.match(stdout, /RESULT: PASS/);
  t.notMatch(stdout, /^\s*✗/m, "no failed check (the ✗ of the tampered copy sits inside its per-check line)");

  t.match(readFileSync(report, "utf8"), /<html/i, "the HTML audit report is where --report said");
  const dataDir = /data directory (\S+)/.exec(stdout)?.[1];
  t.ok(dataDir !== undefined && dataDir.startsWith(tmpdir()), "ran in a temporary data directory");
  t.notOk(existsSync(join(dataDir!, "ledger")), "its PostgreSQL cluster and chain state were removed");
  t.equal(spawnSync("pgrep", ["-f", dataDir!]).stdout.toString(), "", "no PostgreSQL or anvil process of the demo is left");
  t.ok(existsSync(join(dataDir!, "artifacts", "regulator-bundle.tampered.json")), "the tampered copies are kept for inspection");
  rmSync(dataDir!, { recursive: true, force: true });
});

t.test("a bad option is a usage error (exit 2) with a message, not a stack trace", async (t) => {
  const { code, stderr } = await runDemo(["--seconds", "soon"]);
  t.equal(code, 2);
  t.match(stderr, /--seconds must be a number/);
  t.notMatch(stderr, /\n\s+at /, "no stack trace");
});
