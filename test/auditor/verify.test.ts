// `otledger verify` on v2: a valid bundle passes; every single-field mutation fails with its own code (fast-check);
// stubs and erased records report their openings; envelope proofs; revocation is judged by the first covering
// checkpoint; wrong chain or contract fails clearly; a retired contract's late checkpoints are not trusted; exit codes.
import t from "tap";
import fc from "fast-check";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyBundleObject } from "../../auditor/verify/command.ts";
import { startAnvil } from "./fixture/anvil.ts";
import { ledgerOnAnvil } from "./fixture/ledger-on-anvil.ts";
import { envelopeProof, proofBundle } from "./fixture/proof-bundle.ts";
import { runCli } from "./fixture/run-cli.ts";

const { anvil, ledger } = await ledgerOnAnvil(t);
const pump = await ledger.register("pump-1");
const svc = await ledger.registerService("otledger-service");
const series = { samples: 4 } as const;
ledger.submit(pump, 8, new Date().toISOString(), series);
await ledger.anchor();
ledger.submit(pump, 5, new Date().toISOString(), series);
await ledger.anchor();
const valid = proofBundle(ledger, 0, 3, 1);
const dir = await mkdtemp(join(tmpdir(), "otledger-verify-"));
const save = async (name: string, value: unknown) => {
  const path = join(dir, name);
  await writeFile(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
};
const failedCodes = async (bundle: unknown) => (await verifyBundleObject(bundle, anvil.url)).result.checks.filter((c) => !c.ok).map((c) => c.code);

t.test("a valid bundle passes every check", async (t) => {
  const o = await verifyBundleObject(valid, anvil.url);
  t.equal(o.exitCode, 0);
  t.ok(o.result.ok);
  t.same(o.result.checks.filter((c) => !c.ok || c.skipped), [], "nothing failed, nothing skipped");
});

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((a) => "0x" + Buffer.from(a).toString("hex"));
const bump = fc.integer({ min: 1, max: 1000 });
type Mutation = { field: string; codes: string[]; value: fc.Arbitrary<unknown>; apply: (b: any, v: any) => void };
const mutations: Mutation[] = [
  { field: "record.body.values", codes: ["body_commitment_mismatch"], value: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), apply: (b, v) => { b.record.body.values[0] = v; } },
  { field: "record.header.ts", codes: ["record_hash_mismatch"], value: fc.integer({ min: 0, max: 1e12 }), apply: (b, v) => { b.record.header.ts = new Date(v).toISOString(); } },
  { field: "record.salt", codes: ["body_commitment_mismatch"], value: hex(16), apply: (b, v) => { b.record.salt = v; } },
  { field: "record.stream.salt", codes: ["stream_id_mismatch"], value: hex(16), apply: (b, v) => { b.record.stream.salt = v; } },
  { field: "recordHash", codes: ["record_hash_mismatch"], value: hex(32), apply: (b, v) => { b.recordHash = v; } },
  { field: "envelope.header.device", codes: ["envelope_device_mismatch"], value: hex(20), apply: (b, v) => { b.envelope.header.device = v; } },
  { field: "envelope.header.firstSeq", codes: ["envelope_seq_mismatch"], value: bump, apply: (b, v) => { b.envelope.header.firstSeq += v; } },
  { field: "envelope.header.count", codes: ["signature_signer_mismatch"], value: bump, apply: (b, v) => { b.envelope.header.count += v; } },
  { field: "envelope.header.recordsRoot", codes: ["envelope_root_mismatch"], value: hex(32), apply: (b, v) => { b.envelope.header.recordsRoot = v; } },
  { field: "envelope.header.lastHash", codes: ["signature_signer_mismatch"], value: hex(32), apply: (b, v) => { b.envelope.header.lastHash = v; } },
  { field: "envelope.signature", codes: ["signature_invalid", "signature_signer_mismatch"], value: hex(65), apply: (b, v) => { b.envelope.signature = v; } },
  { field: "envelope.index", codes: ["envelope_seq_mismatch"], value: fc.integer({ min: 1, max: 4 }), apply: (b, v) => { b.envelope.index += v; } },
  { field: "envelope.proof", codes: ["envelope_root_mismatch"], value: hex(32), apply: (b, v) => { b.envelope.proof[0] = v; } },
  { field: "log.index", codes: ["log_root_mismatch", "log_proof_malformed"], value: bump, apply: (b, v) => { b.log.index += v; } },
  { field: "log.treeSize", codes: ["log_size_mismatch"], value: bump, apply: (b, v) => { b.log.treeSize += v; } },
  { field: "log.proof", codes: ["log_root_mismatch"], value: hex(32), apply: (b, v) => { b.log.proof[0] = v; } },
  { field: "anchor.chainId", codes: ["chain_id_mismatch"], value: bump, apply: (b, v) => { b.anchor.chainId += v; } },
  { field: "anchor.contract", codes: ["contract_mismatch"], value: hex(20), apply: (b, v) => { b.anchor.contract = v; } },
  { field: "anchor.checkpointIndex", codes: ["checkpoint_size_mismatch", "checkpoint_missing"], value: fc.constantFrom(-1, 1, 5), apply: (b, v) => { b.anchor.checkpointIndex += v; } },
  { field: "anchor.treeSize", codes: ["checkpoint_size_mismatch"], value: bump, apply: (b, v) => { b.anchor.treeSize += v; } },
  { field: "anchor.root", codes: ["checkpoint_root_mismatch"], value: hex(32), apply: (b, v) => { b.anchor.root = v; } },
  { field: "anchor.txHash", codes: ["anchor_tx_missing"], value: hex(32), apply: (b, v) => { b.anchor.txHash = v; } },
  { field: "anchor.blockNumber", codes: ["checkpoint_block_mismatch"], value: bump, apply: (b, v) => { b.anchor.blockNumber += v; } },
  { field: "version", codes: ["bundle_schema"], value: fc.string({ minLength: 1 }), apply: (b, v) => { b.version = `otledger.bundle/${v}x`; } },
];

t.test("each single-field mutation fails with its own code", async (t) => {
  for (const m of mutations) {
    await fc.assert(fc.asyncProperty(m.value, async (v) => {
      const mutated = structuredClone(valid) as unknown as Record<string, unknown>;
      m.apply(mutated, v);
      fc.pre(JSON.stringify(mutated) !== JSON.stringify(valid));
      const codes = await failedCodes(mutated);
      return codes.some((c) => c !== undefined && m.codes.includes(c));
    }), { numRuns: 4, seed: 20261124 });
    t.pass(`${m.field}: fails with ${m.codes.join(" or ")}`);
  }
});

t.test("a stub verifies with openings stub; with its erasure bundle, erased; erasures must come from a service key", async (t) => {
  const target = ledger.envelopes[0]!.envelope.records[2]!;
  const stub = { header: target.header, stream: target.stream };
  const plain = await verifyBundleObject(proofBundle(ledger, 0, 2, 1, { record: stub }), anvil.url);
  t.equal(plain.exitCode, 0, "a stub verifies wherever its full record does");
  t.equal(plain.result.openings, "stub");
  ledger.erase(svc, target, "body");
  await ledger.anchor();
  const e = ledger.envelopes.length - 1, cp = ledger.checkpoints.length - 1;
  const erasure = proofBundle(ledger, e, 0, cp);
  const erased = proofBundle(ledger, 0, 2, cp, { record: stub, erasure });
  const o = await verifyBundleObject(erased, anvil.url);
  t.equal(o.exitCode, 0, JSON.stringify(o.result.checks.filter((c) => !c.ok)));
  t.equal(o.result.openings, "erased");
  t.match(o.subject, { kind: "record", erasure: { seq: 1, device: svc.address } });
  const cli = await runCli(["verify", await save("erased.json", erased), "--rpc", anvil.url]);
  t.equal(cli.code, 0, cli.stderr);
  t.match(cli.stdout, /openings: erased — a stub whose body was erased/);
  t.match(cli.stdout, /erasure record seq 1 of 0x[0-9a-f]{40}/);
  t.match((await runCli(["verify", await save("stub.json", proofBundle(ledger, 0, 2, 1, { record: stub })), "--rpc", anvil.url])).stdout, /openings: stub — header only/);

  const rogue = await ledger.register("rogue-device");
  ledger.erase(rogue, ledger.envelopes[0]!.envelope.records[3]!, "body");
  await ledger.anchor();
  const forged = proofBundle(ledger, 0, 3, ledger.checkpoints.length - 1, {
    record: { header: ledger.envelopes[0]!.envelope.records[3]!.header }, erasure: proofBundle(ledger, ledger.envelopes.length - 1, 0, ledger.checkpoints.length - 1),
  });
  const bad = await verifyBundleObject(forged, anvil.url);
  t.equal(bad.exitCode, 1);
  t.same(bad.result.checks.filter((c) => !c.ok).map((c) => c.code), ["erasure_signer_not_service"]);
  t.equal(bad.result.openings, "stub", "no valid evidence: reported as a stub, never erased");
});

t.test("an envelope proof verifies; a record hash swapped fails envelope_root_mismatch", async (t) => {
  const proof = envelopeProof(ledger, 1, 1);
  const o = await verifyBundleObject(proof, anvil.url);
  t.equal(o.exitCode, 0, JSON.stringify(o.result.checks.filter((c) => !c.ok)));
  t.match(o.subject, { kind: "envelope", device: pump.address, firstSeq: 9, count: 5 });
  const swapped = structuredClone(proof);
  swapped.recordHashes[1] = "0x" + "ab".repeat(32);
  t.ok((await verifyBundleObject(swapped, anvil.url)).result.checks.some((c) => c.code === "envelope_root_mismatch"));
  const cli = await runCli(["verify", await save("envelope.json", proof), "--rpc", anvil.url]);
  t.equal(cli.code, 0, cli.stderr);
  t.match(cli.stdout, /envelope of device 0x[0-9a-f]{40}, seq 9…13/);
});

t.test("revocation: anchored before it passes, first anchored after it fails", async (t) => {
  const before = proofBundle(ledger, 1, 2, 1);
  await ledger.revoke(pump);
  ledger.submit(pump, 2, new Date().toISOString(), series);
  await ledger.anchor();
  const after = proofBundle(ledger, ledger.envelopes.length - 1, 0, ledger.checkpoints.length - 1);
  t.equal((await verifyBundleObject(before, anvil.url)).exitCode, 0, "anchored before the revocation: valid");
  const o = await verifyBundleObject(after, anvil.url);
  t.equal(o.exitCode, 1);
  const revoked = o.result.checks.find((c) => !c.ok)!;
  t.equal(revoked.code, "device_revoked");
  t.same(o.result.checks.filter((c) => !c.ok).map((c) => c.code), ["device_revoked"], "only the revocation fails");
});

t.test("wrong chain or contract fails clearly", async (t) => {
  const other = await startAnvil(4242);
  t.teardown(() => other.stop());
  const wrongChain = await verifyBundleObject(valid, other.url);
  t.equal(wrongChain.exitCode, 1);
  t.equal(wrongChain.chainError?.code, "chain_id_mismatch");
  t.match(wrongChain.chainError?.message, /serves chain 4242.*chain 31337/);
  const wrongContract = await verifyBundleObject({ ...valid, anchor: { ...valid.anchor, contract: "0x" + "ab".repeat(20) } }, anvil.url);
  t.equal(wrongContract.chainError?.code, "contract_missing");
  t.match(wrongContract.chainError?.message, /no contract at 0xabab/);
});

t.test("CLI exit codes and output", async (t) => {
  const good = await save("good.json", valid);
  const ok = await runCli(["verify", good, "--rpc", anvil.url]);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /✓ signature/);
  t.match(ok.stdout, /VALID/);
  const bad = await save("bad.json", { ...valid, anchor: { ...valid.anchor, root: "0x" + "00".repeat(32) } });
  const invalid = await runCli(["verify", bad, "--rpc", anvil.url]);
  t.equal(invalid.code, 1);
  t.match(invalid.stdout, /✗ checkpoint: checkpoint_root_mismatch/);
  t.match(invalid.stdout, /expected: 0x[0-9a-f]{64}\n\s+computed: 0x0{64}/);
  const json = await runCli(["verify", bad, "--rpc", anvil.url, "--json"]);
  t.equal(json.code, 1);
  t.equal(JSON.parse(json.stdout).valid, false);
  const missing = await runCli(["verify", join(dir, "nope.json"), "--rpc", anvil.url]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /cannot read .*nope\.json/);
  t.notMatch(missing.stderr, /\n\s+at /, "no stack trace");
  t.equal((await runCli(["verify", await save("text.json", "not json"), "--rpc", anvil.url])).code, 2, "not JSON: 2");
  t.equal((await runCli(["verify", good, "--bogus"])).code, 2, "unknown option: 2");
  t.equal((await runCli(["verify"])).code, 2, "missing argument: 2");
  const down = await runCli(["verify", good, "--rpc", "http://127.0.0.1:9"]);
  t.equal(down.code, 2, "unreachable RPC: 2");
  t.match(down.stderr, /cannot reach the RPC endpoint/);
});

// Last: retiring the contract pauses it for good.
t.test("a retired contract: checkpoints up to lastValidCheckpoint pass, later ones fail and name the successor", async (t) => {
  const lastValid = 1;
  const late = proofBundle(ledger, 1, 0, ledger.checkpoints.length - 1);
  const successor = await ledger.retire(lastValid);
  const early = await verifyBundleObject(valid, anvil.url);
  t.equal(early.exitCode, 0, "checkpoint 1 ≤ lastValidCheckpoint: trusted");
  t.match(early.result.checks.at(-1), { name: "succession", ok: true, message: new RegExp(`successor ${successor}`) });
  const o = await verifyBundleObject(late, anvil.url);
  t.equal(o.exitCode, 1);
  t.same(o.result.checks.filter((c) => !c.ok).map((c) => c.code), ["checkpoint_past_succession"], "only the succession check fails");
  t.match(o.result.checks.find((c) => !c.ok), { name: "succession", expected: { lastValidCheckpoint: lastValid, successor }, computed: { record: ledger.checkpoints.length - 1 } });
  t.same(o.succession, { successor, lastValidCheckpoint: lastValid });
  const cli = await runCli(["verify", await save("late.json", late), "--rpc", anvil.url]);
  t.equal(cli.code, 1);
  t.match(cli.stdout, /✗ succession: checkpoint_past_succession/);
  t.match(cli.stdout, new RegExp(`successor: LedgerAnchor ${successor} continues this ledger after checkpoint 1`));
  const envelope = await verifyBundleObject(envelopeProof(ledger, 1, ledger.checkpoints.length - 1), anvil.url);
  t.same(envelope.result.checks.filter((c) => !c.ok).map((c) => c.code), ["checkpoint_past_succession"], "envelope proofs too");
});
