// `otledger monitor` as a real process against the real service (PostgreSQL + anvil, anchoring every 200 ms):
// it audits each new checkpoint (the audited index and the lag move on /metrics), stops gracefully on SIGTERM,
// and on a finding raises its findings metrics or, with --exit-on-finding, exits 1.
import t from "tap";
import pg from "pg";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readState } from "../../auditor/incremental/state.ts";
import { startTestChain } from "../helpers/chain.ts";
import { stopTestCluster, testCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { auditorKey, newServiceKeys, startService } from "./fixture/drill-service.ts";
import { startMonitor } from "./fixture/monitor-process.ts";

const chain = await startTestChain();
const keys = newServiceKeys();
const ledger = await startService(chain, keys);
t.teardown(async () => {
  await ledger.close();
  await chain.close();
  await stopTestCluster();
});
const device = await ledger.newDevice();
const key = await auditorKey(ledger, keys.adminKey);
const stateFile = join(await mkdtemp(join(tmpdir(), "otledger-monitor-")), "state.json");
const args = ["--api", ledger.url, "--api-key", key, "--rpc", chain.rpcUrl, "--state", stateFile, "--interval", "0.3s"];
const leafCount = async () => Number((await ledger.ownerDb.query("SELECT count(*) AS n FROM leaves")).rows[0].n);
async function submit(n: number): Promise<{ index: number; treeSize: number }> {
  const res = await ledger.submit(device.envelope(ledger.domain, n, { samples: 4 }));
  if (res.status !== 201) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
  return ledger.waitAnchored(await leafCount());
}

t.test("the monitor follows new checkpoints: audited index and lag on /metrics", async (t) => {
  const first = await submit(8);
  const m = await startMonitor(args);
  t.teardown(() => m.stop());
  const audited1 = await waitFor(async () => {
    const v = await m.sample("otledger_monitor_audited_checkpoint_index");
    return v !== undefined && v >= first.index ? v : undefined;
  }, { what: `checkpoint ${first.index} audited`, timeoutMs: 60_000 });
  t.ok(audited1 >= first.index);
  t.equal(await m.sample('otledger_monitor_audit_runs_total{outcome="findings"}'), 0);
  t.ok((await m.sample('otledger_monitor_audit_runs_total{outcome="clean"}'))! >= 1, "a clean run counted");
  t.ok((await m.sample("otledger_monitor_last_success_timestamp_seconds"))! > Date.now() / 1000 - 120);

  const second = await submit(5);
  t.ok(second.index > audited1, "the service anchored a newer checkpoint");
  await waitFor(async () => ((await m.sample("otledger_monitor_audited_checkpoint_index"))! >= second.index ? true : undefined), { what: `checkpoint ${second.index} audited`, timeoutMs: 60_000 });
  t.ok((await m.sample("otledger_monitor_audited_tree_size"))! >= second.treeSize, "the audited tree size moved");
  t.ok((await m.sample("otledger_monitor_chain_checkpoint_index"))! >= second.index);
  t.ok((await m.sample("otledger_monitor_lag_checkpoints"))! >= 0);
  t.equal((await readState(stateFile))!.checkpoint.index >= second.index, true, "the state file follows");
  t.equal(await m.stop(), 0, "SIGTERM: a graceful exit 0");
  t.match(m.log(), /monitor stopped/);
});

t.test("while the monitor is stopped, the lag shows on its next start", async (t) => {
  const saved = (await readState(stateFile))!;
  const third = await submit(3);
  const m = await startMonitor([...args, "--interval", "1h"]); // one poll: it audits once, then waits
  t.teardown(() => m.stop());
  // The first scrape may come before or after the first audit: either the lag is shown or it was caught up.
  const lag = await waitFor(async () => m.sample("otledger_monitor_lag_checkpoints"), { what: "the lag gauge" });
  t.ok(lag >= 0);
  await waitFor(async () => ((await m.sample("otledger_monitor_audited_checkpoint_index"))! >= third.index ? true : undefined), { what: "caught up", timeoutMs: 60_000 });
  t.equal(await m.sample("otledger_monitor_lag_checkpoints"), 0, "caught up: no checkpoint behind");
  t.equal(await m.sample("otledger_monitor_lag_seconds"), 0);
  t.ok(third.index > saved.checkpoint.index);
});

t.test("a finding: logged and counted, the state kept; with --exit-on-finding exit 1", async (t) => {
  const before = (await readState(stateFile))!;
  // A forged signature on a new envelope, as a superuser of the service's database (triggers bypassed).
  const admin = new URL((await testCluster()).adminUrl);
  admin.pathname = new URL(ledger.database.ownerUrl).pathname;
  const db = new pg.Client({ connectionString: admin.toString() });
  await db.connect();
  t.teardown(() => db.end());
  const res = await ledger.submit(device.envelope(ledger.domain, 4, { samples: 4 }));
  t.equal(res.status, 201);
  await db.query("SET session_replication_role = replica");
  const forged = await db.query("UPDATE envelopes SET signature = (SELECT signature FROM envelopes ORDER BY id LIMIT 1) WHERE id = (SELECT max(id) FROM envelopes WHERE device = $1)", [Buffer.from(device.address.slice(2), "hex")]);
  t.equal(forged.rowCount, 1);
  await ledger.waitAnchored(await leafCount());

  const m = await startMonitor(args);
  const count = await waitFor(async () => {
    const v = await m.sample('otledger_monitor_findings_total{code="ENVELOPE_SIGNATURE_INVALID"}');
    return v !== undefined && v > 0 ? v : undefined;
  }, { what: "the finding counted", timeoutMs: 60_000 });
  t.equal(count, 1);
  t.ok((await m.sample("otledger_monitor_open_findings"))! >= 1);
  t.equal(await m.sample('otledger_monitor_audit_runs_total{outcome="findings"}'), 1);
  t.ok((await m.sample("otledger_monitor_lag_checkpoints"))! > 0, "still behind: the checkpoint with the finding is not audited clean");
  t.match(m.log(), /finding ENVELOPE_SIGNATURE_INVALID/);
  t.equal(m.child.exitCode, null, "without --exit-on-finding it keeps following");
  t.equal(await m.stop(), 0);
  t.equal((await readState(stateFile))!.checkpoint.index, before.checkpoint.index, "the state stays at the last clean checkpoint");

  const strict = await startMonitor([...args, "--exit-on-finding"]);
  t.equal(await strict.exited, 1, "--exit-on-finding: exit 1");
  t.match(strict.log(), /ENVELOPE_SIGNATURE_INVALID/);
});
