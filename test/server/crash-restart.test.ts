// A crashed service restarts by itself (issue item 7): SIGKILL of the node process mid-ingest, then `npm start`
// again on the same DATA_DIR is healthy within 30 s, keeps every acknowledged record, and the audit is clean.
// Run 1 is killed alone (its watchdogs stop PostgreSQL and anvil); run 2 is killed together with its watchdogs
// (so PostgreSQL and anvil really are left running) and run 3 must stop those leftovers itself.
// Also: piped stdout is pure NDJSON and the banner is on stderr (item 21); a second start while one runs is
// refused with one line naming DATA_DIR (item 15).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { envelopeDomainV2 } from "../../core/index.ts";
import { connectLedgerAnchor } from "../../sdk/ledger-anchor.ts";
import { runAudit } from "../../auditor/audit/run.ts";
import { openExportStream } from "../../auditor/format/export-api.ts";
import { isAlive } from "../../server/runtime/process-identity.ts";
import { TestDeviceV2 as TestDevice } from "../helpers/envelopes.ts";
import { waitFor } from "../helpers/wait.ts";
import { auditorKey, enroll, request } from "./fixture/http.ts";
import { IngestLoad } from "./fixture/load.ts";
import { killAtEnd, serviceDir, serviceEnv, spawnService, type ServiceProcess } from "./fixture/service-process.ts";

const pidsOf = (dataDir: string) => ({
  postgres: Number(readFileSync(join(dataDir, "postgres/postmaster.pid"), "utf8").split("\n")[0]),
  anvil: Number(readFileSync(join(dataDir, "chain/anvil.pid"), "utf8").trim()),
});
const watchdogsOf = (pid: number): number[] => {
  try { return execFileSync("pgrep", ["-P", String(pid), "-x", "sh"], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number); } catch { return []; }
};

t.test("SIGKILL mid-ingest, twice: the next start stops what was left, is ready within 30 s, loses nothing, audits clean", async (t) => {
  const dir = await serviceDir(t);
  const env = await serviceEnv(dir);
  const adminKey = env.OTLEDGER_ADMIN_KEY!;
  let svc: ServiceProcess = spawnService(env);
  killAtEnd(t, svc);
  await svc.ready();
  const { contract, chainId } = svc.deployment();
  const domain = envelopeDomainV2(chainId, contract);
  const devices = [new TestDevice(), new TestDevice()];
  for (const d of devices) await enroll(svc.url, adminKey, d.address);
  const load = new IngestLoad(() => svc.url, domain, devices);
  load.start();

  // Run 1: SIGKILL of the node process alone, mid-ingest.
  await load.untilAcked(10);
  const run1 = pidsOf(env.DATA_DIR!);
  svc.kill("SIGKILL");
  await svc.exited;
  await waitFor(() => !isAlive(run1.postgres) && !isAlive(run1.anvil), { timeoutMs: 30_000, what: "run 1's PostgreSQL and anvil to end with their parent" });
  const stdoutLines = svc.stdout().split("\n").filter((l) => l !== "");
  t.ok(stdoutLines.length > 0, "run 1 logged");
  t.same(stdoutLines.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } }), [], "every stdout line is JSON (piped: NDJSON)");
  t.match(svc.stderr(), /otledger API\s+http:/, "the banner is on stderr");

  // Run 2: starts over run 1's state; a second start beside it is refused.
  svc = spawnService(env);
  killAtEnd(t, svc);
  await svc.ready(30_000);
  t.pass("run 2 ready within 30 s after the SIGKILL");
  const acked1 = load.acked.length;
  await load.untilAcked(acked1 + 10);
  const second = spawnService(env); // same PORT too: DATA_DIR is checked first
  const refused = await second.exited;
  t.equal(refused.code, 2, "a second start on the same DATA_DIR exits 2");
  t.match(second.stderr(), new RegExp(`^otledger: DATA_DIR ${env.DATA_DIR} is in use by a running otledger \\(pid ${svc.pid}\\)`), "one line naming DATA_DIR and the running pid");
  t.notMatch(second.stderr(), /\n\s+at /, "no stack trace");
  t.equal((await request(`${svc.url}/readyz`, "GET")).status, 200, "the running service is unharmed");

  // Run 2 dies with its watchdogs (e.g. OOM killer): PostgreSQL and anvil keep running, orphaned.
  const run2 = pidsOf(env.DATA_DIR!);
  const dogs = watchdogsOf(svc.pid);
  t.equal(dogs.length, 2, "one watchdog per embedded child");
  for (const dog of dogs) process.kill(dog, "SIGKILL");
  svc.kill("SIGKILL");
  await svc.exited;
  await new Promise((r) => setTimeout(r, 500));
  t.ok(isAlive(run2.postgres) && isAlive(run2.anvil), "run 2's PostgreSQL and anvil were left running");

  // Run 3 stops the leftovers and starts on the same data.
  svc = spawnService(env);
  killAtEnd(t, svc);
  await svc.ready(30_000);
  t.pass("run 3 ready within 30 s despite the leftovers");
  t.equal(svc.deployment().rpcUrl, `http://127.0.0.1:${env.LOCAL_CHAIN_PORT}`, "the chain is back on its port (the leftover was stopped before the port was chosen)");
  t.notOk(isAlive(run2.postgres) || isAlive(run2.anvil), "the leftovers were stopped");
  t.match(svc.stdout(), /did not stop cleanly/, "run 3 says it found a dead predecessor");
  await load.untilAcked(load.acked.length + 10);
  await load.stop();

  // Nothing acknowledged is lost: every acknowledged envelope is now an exact replay with the same receipt.
  for (const a of load.acked) {
    const res = await request(`${svc.url}/v1/envelopes`, "POST", a.envelope);
    if (res.status !== 200 || JSON.stringify(res.body.records) !== JSON.stringify(a.receipt.records)) {
      t.fail(`acknowledged envelope ${a.device} #${a.receipt.firstSeq} is not stored as acknowledged: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
  t.pass(`${load.acked.length} acknowledged envelopes checked`);
  t.notOk(load.answers.some((a) => a.status >= 500 && a.status !== 503), "no 5xx other than a retryable 503");

  // The audit of the whole export against the chain is clean once everything is anchored.
  await waitFor(async () => (await request(`${svc.url}/readyz`, "GET")).body?.anchoring?.lagLeaves === 0, { timeoutMs: 30_000, what: "everything anchored" });
  const key = await auditorKey(svc.url, adminKey);
  const report = await runAudit({
    lines: await openExportStream(svc.url, key), expectEnd: true, source: svc.url, now: Date.now(), slaMs: 10 * 60_000,
    connect: (header) => connectLedgerAnchor(svc.deployment().rpcUrl, header.contract, { expectedChainId: header.chainId }),
  });
  t.equal(report.verdict, "clean", "audit clean", { findings: report.findings.slice(0, 5) });
  t.ok(report.stats.records >= load.acked.length * 10, "the audit saw every acknowledged record");

  const last = pidsOf(env.DATA_DIR!);
  svc.kill("SIGTERM");
  t.equal((await svc.exited).code, 0, "a graceful stop exits 0");
  t.notOk(isAlive(last.postgres) || isAlive(last.anvil), "a graceful stop stops PostgreSQL and anvil");
});
