// The SDK against a real ledger (embedded PostgreSQL, anvil, the service): verifyRecord, verifyEnvelope and
// verifyStreamAnswer fetch from the service and verify against LedgerAnchor read over JSON-RPC; a tampering
// service (a fetch that rewrites answers) fails with the check's code; the service's refusals, absences and
// outages are typed errors or statuses, never "verified".
import t from "tap";
import { recordHash, type FullRecord } from "../../core/index.ts";
import { LedgerApiError } from "../../sdk/errors.ts";
import { ChainError, connectLedgerAnchor } from "../../sdk/ledger-anchor.ts";
import { LedgerClient } from "../../sdk/ledger-client.ts";
import { verifyEnvelope, verifyRecord, verifyStreamAnswer } from "../../sdk/verify.ts";
import { startApiLedger } from "../api/harness.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

// set up in t.before: tap would end the root test while a top-level await is pending
let api: Awaited<ReturnType<typeof startApiLedger>>;
let device: Awaited<ReturnType<typeof api.newDevice>>;
let env: ReturnType<typeof device.envelope>;
let hashes: string[];
let reader: Awaited<ReturnType<typeof connectLedgerAnchor>>;
let client: LedgerClient;
let auditor: { id: number; key: string };
let window: { device: string; name: string; from: string; to: string };
t.before(async () => {
  api = await startApiLedger();
  t.teardown(() => api.close());
  device = await api.newDevice({ register: false });
  await api.enroll(device, "plant-1");
  auditor = await api.principal("sdk-auditor", "auditor");
  env = device.envelope(api.domain, 3, { make: "reading", stream: "PT-7.PV" });
  const submitted = await api.submit(env);
  if (submitted.status !== 201) throw new Error(`envelope refused: ${submitted.status}`);
  await api.waitAnchored(3);
  hashes = (env.records as FullRecord[]).map((r) => recordHash(r.header));
  const headers = (env.records as FullRecord[]).map((r) => r.header);
  reader = await connectLedgerAnchor(api.chain.rpcUrl, api.domain.verifyingContract, { expectedChainId: Number(api.domain.chainId) });
  t.teardown(() => reader.close());
  client = new LedgerClient(api.url, 5000, auditor.key);
  window = { device: device.address, name: "PT-7.PV", from: headers[0]!.from, to: new Date(Date.parse(headers[2]!.to) + 1).toISOString() };
});

t.test("a record, an envelope and a stream answer verify against the chain", async (t) => {
  const record = await verifyRecord(client, reader, hashes[1]!);
  t.equal(record.status, "verified");
  if (record.status === "verified") {
    t.ok(record.verdict.checks.length >= 8 && record.verdict.checks.every((c) => c.ok), "every check passed", { checks: record.verdict.checks });
    t.equal(record.verdict.facts?.contract, api.domain.verifyingContract.toLowerCase(), "facts read from the chain's LedgerAnchor");
  }
  const envelope = await verifyEnvelope(client, reader, device.address, env.header.firstSeq);
  t.equal(envelope.status, "verified", "the envelope proof verifies");
  const stream = await verifyStreamAnswer(client, reader, window);
  t.equal(stream.status, "verified", "the stream answer verifies");
  if (stream.status === "verified") t.equal((stream.document as { records: unknown[] }).records.length, 3, "with the window's three records");
});

t.test("what the ledger does not know is unknown, not verified", async (t) => {
  t.same(await verifyRecord(client, reader, "0x" + "ab".repeat(32)), { status: "unknown" });
  t.same(await verifyStreamAnswer(client, reader, { ...window, name: "no-such-stream" }), { status: "unknown" });
});

/** A service that rewrites its answers on the way: the SDK must catch it with the chain. */
const tampering = (rewrite: (body: Record<string, unknown>) => void) => new LedgerClient(api.url, 5000, auditor.key, async (request) => {
  const res = await fetch(request);
  if (!res.ok || request.method !== "GET") return res;
  const body = await res.json() as Record<string, unknown>;
  rewrite(body);
  return new Response(JSON.stringify(body), { status: res.status, headers: { "content-type": "application/json" } });
});

t.test("a tampering service fails with the check's code", async (t) => {
  const rootSwap = tampering((b) => { (b.anchor as { root: string }).root = "0x" + "11".repeat(32); });
  const record = await verifyRecord(rootSwap, reader, hashes[0]!);
  t.equal(record.status, "failed");
  if (record.status === "failed") t.ok(record.verdict.checks.some((c) => !c.ok && c.code !== undefined), "a failed check with its code", { checks: record.verdict.checks.filter((c) => !c.ok) });

  const dropped = tampering((b) => { if (Array.isArray(b.records)) b.records.splice(1, 1); });
  const stream = await verifyStreamAnswer(dropped, reader, window);
  t.equal(stream.status, "failed");
  if (stream.status === "failed") t.ok(stream.verdict.checks.some((c) => c.code === "stream_gap"), "an omitted record is stream_gap");

  const control = await verifyRecord(tampering(() => {}), reader, hashes[0]!);
  t.equal(control.status, "verified", "control: an untouched answer through the same rewriting fetch verifies");
});

/** The error `promise` rejects with (a test failure if it resolves). */
const rejection = (promise: Promise<unknown>) => promise.then(() => new Error("resolved, expected a rejection"), (err: unknown) => err);

t.test("refusals and outages are typed errors", async (t) => {
  const refused = await rejection(verifyRecord(new LedgerClient(api.url, 5000), reader, hashes[0]!));
  t.ok(refused instanceof LedgerApiError, "no key: LedgerApiError");
  t.match(refused, { code: "unauthorized", status: 401, serviceCode: String });
  const down = new LedgerClient("http://127.0.0.1:9", 2000, auditor.key);
  const unreachable = await rejection(down.proof(hashes[0]!));
  t.ok(unreachable instanceof LedgerApiError);
  t.match(unreachable, { code: "unreachable", status: null, message: /cannot reach the ledger service/ });
  t.match(await down.postEnvelope("{}"), { kind: "unavailable", status: null, message: /cannot reach the ledger service/ }, "posting never throws");
  const noChain = await rejection(connectLedgerAnchor("http://127.0.0.1:9", api.domain.verifyingContract, { timeoutMs: 2000 }));
  t.ok(noChain instanceof ChainError);
  t.match(noChain, { code: "chain_unreachable" });
  const wrongChain = await rejection(connectLedgerAnchor(api.chain.rpcUrl, api.domain.verifyingContract, { expectedChainId: 1 }));
  t.match(wrongChain, { code: "chain_id_mismatch", expected: 1, computed: Number(api.domain.chainId) });
});
