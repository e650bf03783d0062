// `otledger verify-query` run as a partner runs it (the real CLI in a child process) on stream answers built from
// a real ledger (embedded PostgreSQL, anvil with LedgerAnchor, the service's buildStreamAnswer): an honest answer
// exits 0; a removed record, a moved boundary, a stub in place of a record, a forged proof hash exit 1 with their
// code; a bad file, an unreachable RPC, an address with no LedgerAnchor exit 2 with one line and no stack.
import t from "tap";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stubOf, type FullRecord, type StreamAnswer } from "../../core/index.ts";
import type { ChainConnection } from "../../server/chain/connection.ts";
import { buildStreamAnswer } from "../../server/api/stream-answer.ts";
import { startApiLedger } from "../api/harness.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

const cli = fileURLToPath(new URL("../../bin/otledger.js", import.meta.url));
type Run = { code: number; stdout: string; stderr: string };
const otledger = (args: string[]): Promise<Run> => new Promise((resolve) => {
  execFile(process.execPath, [cli, ...args], (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr }));
});

t.teardown(stopTestCluster);
const api = await startApiLedger();
t.teardown(() => api.close());
const dir = await mkdtemp(join(tmpdir(), "otledger-verify-query-"));
t.teardown(() => rm(dir, { recursive: true, force: true }));

// Two tags of one device interleaved in the log, and another device's data between them.
const device = await api.newDevice(), other = await api.newDevice();
for (let i = 0; i < 3; i++) {
  for (const env of [device.envelope(api.domain, 2, { stream: "TT-101.PV" }), other.envelope(api.domain, 2), device.envelope(api.domain, 1, { stream: "FT-3.PV" })]) {
    const res = await api.submit(env);
    if (res.status >= 300) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
  }
}
await api.waitAnchored(15);
const chain = { chainId: Number(api.domain.chainId), contractAddress: api.domain.verifyingContract } as unknown as ChainConnection;
const tt = device.streams.get("TT-101.PV")!;
const ask = async (from: string, to: string) =>
  await buildStreamAnswer(api.ownerDb, chain, { device: device.address, name: "TT-101.PV", from, to, limit: 100 }) as StreamAnswer;
// The stream's series are one minute each, back to back (1 s apart): a window from the 2nd to the 5th series.
const honest = await ask("2026-11-24T12:01:00.000Z", "2026-11-24T12:05:00.000Z");
const save = async (name: string, value: unknown) => {
  const path = join(dir, name);
  await writeFile(path, typeof value === "string" ? value : JSON.stringify(value, null, 2));
  return path;
};
const rpc = ["--rpc", api.chain.rpcUrl];

t.test("the answer under test has boundaries on both sides and records between", async (t) => {
  t.equal(tt.streamSeq, 6);
  t.equal(honest.records.length, 4, "series 2…5 meet the window");
  t.ok(honest.before !== null && honest.after !== null, "both boundaries are stubs of this stream");
});

t.test("an honest answer is VALID, exit 0, every check listed", async (t) => {
  const r = await otledger(["verify-query", await save("honest.json", honest), ...rpc]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /✓ inclusion/);
  t.match(r.stdout, /✓ succession/);
  t.match(r.stdout, /4 records, streamSeq 2…5; before: streamSeq 1; after: streamSeq 6/);
  t.match(r.stdout, /proven: these are all the records of the stream that meet the window/);
  t.match(r.stdout, /VALID: every check passed/);
  const json = await otledger(["verify-query", await save("honest.json", honest), ...rpc, "--contract", api.chain.contract, "--json"]);
  t.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  t.equal(out.valid, true);
  t.same(out.checks.map((c: { name: string }) => c.name), [
    "schema", "stream_id", "stream_device", "records_full", "boundary_openings", "window", "stream_chain", "stream_time_order",
    "chain_id", "contract", "checkpoint", "anchor_tx", "inclusion", "device_registered", "device_not_revoked", "succession",
  ]);
  t.match(out.proven, { fromStart: false, toNewestAnchored: false, truncated: false });
});

const tampers: [string, string, (a: StreamAnswer) => void][] = [
  ["a record removed", "stream_gap", (a) => { a.records.splice(1, 1); }],
  ["the after boundary moved inside the window", "stream_boundary_inside_window", (a) => { a.window.to = a.after!.record.header.to; }],
  ["a stub swapped in for a record", "stub_in_window", (a) => { a.records[2]!.record = stubOf(a.records[2]!.record as FullRecord); }],
  ["another stream's record swapped in", "stream_id_mismatch", (a) => { a.before = { ...a.before!, record: { header: { ...a.before!.record.header, stream: "0x" + "ab".repeat(32) } } }; }],
  ["a proof hash forged", "inclusion_invalid", (a) => { a.proof[0] = "0x" + "00".repeat(32); }],
];
for (const [what, code, tamper] of tampers) {
  t.test(`${what}: INVALID, exit 1, ${code} printed`, async (t) => {
    const a = structuredClone(honest);
    tamper(a);
    const file = await save(`${code}.json`, a);
    const r = await otledger(["verify-query", file, ...rpc]);
    t.equal(r.code, 1, r.stderr);
    t.match(r.stdout, new RegExp(`✗ \\w+: ${code}`));
    t.match(r.stdout, /INVALID: \d+ checks? failed/);
    const json = JSON.parse((await otledger(["verify-query", file, ...rpc, "--json"])).stdout);
    t.equal(json.valid, false);
    t.ok(json.checks.some((c: { code?: string }) => c.code === code), `--json lists ${code}`);
  });
}

t.test("a broken stream answer (schema) is INVALID, exit 1", async (t) => {
  const r = await otledger(["verify-query", await save("schema.json", { ...honest, proof: "nope" }), ...rpc]);
  t.equal(r.code, 1, r.stderr);
  t.match(r.stdout, /✗ schema: stream_answer_schema — answer\.proof/);
});

t.test("usage and I/O errors: exit 2, one line, no stack", async (t) => {
  const cases: [string, string[], RegExp][] = [
    ["a missing file", [join(dir, "absent.json"), ...rpc], /cannot read .*absent\.json/],
    ["a file that is not JSON", [await save("text.json", "{ not json"), ...rpc], /is not JSON/],
    ["JSON that is not a stream answer", [await save("bundle.json", { version: "otledger.bundle/2" }), ...rpc], /is not a stream answer .*"otledger\.bundle\/2"/],
    ["an unreachable RPC", [await save("honest.json", honest), "--rpc", "http://127.0.0.1:9"], /cannot reach the RPC endpoint/],
    ["an address where LedgerAnchor is not", [await save("honest.json", honest), ...rpc, "--contract", "0x" + "12".repeat(20)], /no contract at 0x1212/],
    ["a malformed --contract", [await save("honest.json", honest), ...rpc, "--contract", "0x12"], /expected a 0x-prefixed 20-byte address/],
  ];
  for (const [what, args, message] of cases) {
    const r = await otledger(["verify-query", ...args]);
    t.equal(r.code, 2, `${what}: exit 2`);
    t.match(r.stderr, message, what);
    t.notMatch(r.stderr, /\n\s+at /, `${what}: no stack trace`);
  }
});
