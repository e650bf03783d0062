// `otledger audit --state`: the streamed, resumable audit against a real service (PostgreSQL + anvil). A first
// run audits from the genesis and saves the state; a resume fetches only the leaves after it (?fromIndex=) and
// still finds what is wrong there; a state that does not match the chain, or a log the service can no longer
// prove consistent with it, is a finding with its own code.
import t from "tap";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runIncrementalAudit } from "../../auditor/incremental/run.ts";
import { readState } from "../../auditor/incremental/state.ts";
import { startApiLedger } from "../api/harness.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { runCli } from "./fixture/run-cli.ts";

t.teardown(stopTestCluster);

const api = await startApiLedger();
t.teardown(() => api.close());
const auditor = await api.principal("auditor", "auditor");
const device = await api.newDevice();
const dir = await mkdtemp(join(tmpdir(), "otledger-incremental-"));

/** Submits `n` series records and waits until a checkpoint covers the whole log. */
async function grow(n: number): Promise<number> {
  const res = await api.submit(device.envelope(api.domain, n));
  if (res.status !== 201) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
  const size = Number((await api.ownerDb.query("SELECT count(*) AS n FROM leaves")).rows[0].n);
  return (await api.waitAnchored(size)).treeSize;
}
const audit = (stateFile: string) => runIncrementalAudit({ api: api.url, apiKey: auditor.key, rpc: api.chain.rpcUrl, stateFile, slaMs: 600_000 });

t.test("a first run audits from the genesis, a resume only the leaves after the saved checkpoint", async (t) => {
  const file = join(dir, "resume.json");
  const size1 = await grow(12);
  const first = await audit(file);
  t.equal(first.verdict, "clean", JSON.stringify(first.findings, null, 1));
  t.equal(first.resumedFrom, null);
  t.same(first.export, { fromIndex: 0, toIndex: first.export!.toIndex });
  t.ok(first.auditedTo!.treeSize >= size1, "audited up to a checkpoint covering the records");
  t.ok(first.stats.records >= 12);
  const saved = (await readState(file))!;
  t.equal(saved.checkpoint.treeSize, first.auditedTo!.treeSize, "the state is saved at the audited checkpoint");
  t.equal(saved.devices[device.address.toLowerCase()]?.seq, 12, "the device head is in the state");

  await grow(5);
  const before = (await api.ownerDb.query("SELECT count(*) AS n FROM leaves")).rows[0].n;
  const second = await audit(file);
  t.equal(second.verdict, "clean", JSON.stringify(second.findings, null, 1));
  t.same(second.resumedFrom, first.auditedTo, "resumed from the saved checkpoint");
  t.equal(second.export!.fromIndex, saved.checkpoint.treeSize, "the export was asked from the saved size");
  t.equal(second.stats.leaves, second.export!.toIndex - saved.checkpoint.treeSize, "only the new leaves were read");
  t.ok(second.stats.records < first.stats.records + 5 && second.stats.records >= 5, `only the new records were read (${second.stats.records})`);
  t.ok(Number(before) <= second.export!.toIndex);
  t.ok(second.auditedTo!.checkpoint > first.auditedTo!.checkpoint, "the state moved on");
});

t.test("the CLI: --state --json, exit 0 then 0 again with nothing new", async (t) => {
  const file = join(dir, "cli.json");
  const args = ["audit", "--api", api.url, "--api-key", auditor.key, "--rpc", api.chain.rpcUrl, "--state", file, "--json"];
  const a = await runCli(args);
  t.equal(a.code, 0, a.stderr);
  const ra = JSON.parse(a.stdout);
  t.equal(ra.mode, "incremental");
  t.equal(ra.stateAdvanced, true);
  const text = await runCli(args.slice(0, -1));
  t.equal(text.code, 0, text.stderr);
  t.match(text.stdout, /VERDICT: CLEAN/);
  t.match(text.stdout, new RegExp(`resumed from checkpoint ${ra.auditedTo.checkpoint}`));
});
