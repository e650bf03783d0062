// Happy path: a signed envelope gets a receipt, lands in a checkpoint, and LedgerAnchor confirms that
// checkpoint (same root as the stored tree, and the record's inclusion proof verifies on-chain).
import t from "tap";
import { canonicalString, recordHash } from "../../core/index.ts";
import { storedInclusionProof, storedRoot } from "../../server/log/merkle-store.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";

t.teardown(stopTestCluster);

t.test("submit -> receipt -> anchored checkpoint confirmed on-chain", async (t) => {
  const ledger = await startTestLedger();
  t.teardown(() => ledger.close());
  const a = await ledger.newDevice();
  const b = await ledger.newDevice();

  const envA = a.envelope(ledger.domain, 5);
  const first = await ledger.submit(envA);
  t.equal(first.status, 201);
  t.same(first.body.records.map((r) => r.hash), envA.records.map((r) => recordHash(r.header)), "receipt lists each record's hash");
  t.same(first.body.records.map((r) => r.index), [0, 1, 2, 3, 4], "first records get the first leaf indexes");
  t.same(first.body.records.map((r) => r.seq), [1, 2, 3, 4, 5]);
  t.equal(first.body.checkpoint.minTreeSize, 5);

  const second = await ledger.submit(b.envelope(ledger.domain, 3));
  t.equal(second.status, 201);
  t.same(second.body.records.map((r) => r.index), [5, 6, 7], "the next envelope continues the global log");
  const third = await ledger.submit(a.envelope(ledger.domain, 2));
  t.equal(third.status, 201, "a device's next envelope chains onto its stored head");

  const anchored = await ledger.waitAnchored(10);
  const onChain = await ledger.chain.ledger.getFunction("checkpointAt")(anchored.index);
  const root = await storedRoot(ledger.ownerDb, anchored.treeSize);
  t.equal(String(onChain.root), "0x" + root.toString("hex"), "the on-chain root is the stored tree's root");

  const covering = await ledger.chain.ledger.getFunction("firstCheckpointCovering")(6);
  const proof = await storedInclusionProof(ledger.ownerDb, 6, Number(covering[1].treeSize));
  const ok = await ledger.chain.ledger.getFunction("verifyInclusion")(covering[0], 6, second.body.records[1]!.hash, proof);
  t.equal(ok, true, "LedgerAnchor verifies the record's inclusion in the checkpoint that first covers it");

  const rows = await ledger.ownerDb.query("SELECT * FROM records_indexed WHERE leaf_index = 0");
  const stored = rows.rows[0], sent = envA.records[0]!;
  t.equal(stored.header, canonicalString(sent.header), "the header's JCS text is rebuilt from the columns byte for byte");
  t.equal("0x" + stored.hash.toString("hex"), recordHash(sent.header), "hash = recordHash(header)");
  t.same({ name: stored.stream_name, salt: "0x" + stored.stream_salt.toString("hex") }, sent.stream, "the stream descriptor is stored");
  t.same(stored.body, sent.body, "body jsonb holds the body");
  t.equal("0x" + stored.salt.toString("hex"), sent.salt, "and its salt");
  t.same([stored.kind, stored.stream_seq, stored.samples, "0x" + stored.stream.toString("hex")], ["series", 1, 60, sent.header.stream], "chain and query columns");
  const row = await waitFor(async () => (await ledger.ownerDb.query("SELECT tx_hash, block_number FROM anchors WHERE checkpoint_idx = $1", [anchored.index])).rows[0]);
  const receipt = await ledger.chain.provider.getTransactionReceipt("0x" + row.tx_hash.toString("hex"));
  t.equal(receipt?.blockNumber, Number(row.block_number), "the anchor row names the mined transaction and its block");

  // Operability, over real HTTP: request ids, health, readiness, metrics.
  const health = await fetch(`${ledger.url}/healthz`, { headers: { "x-request-id": "trace-42" } });
  t.equal(health.status, 200);
  t.equal(health.headers.get("x-request-id"), "trace-42", "a given request id is echoed");
  t.ok((await fetch(`${ledger.url}/healthz`)).headers.get("x-request-id"), "one is generated otherwise");
  const ready = await (await fetch(`${ledger.url}/readyz`)).json() as { status: string; anchoring: { leader: boolean; logSize: number } };
  t.equal(ready.status, "ok");
  t.equal(ready.anchoring.logSize, 10);
  t.equal(ready.anchoring.leader, true, "this replica runs the anchorer");
  const metrics = await (await fetch(`${ledger.url}/metrics`)).text();
  t.match(metrics, /otledger_ingest_records_total 10/, "records counted");
  t.match(metrics, /otledger_ingest_envelopes_total\{outcome="accepted"\} 3/, "envelopes counted by outcome");
  t.match(metrics, /otledger_last_anchored_tree_size \d+/, "last anchored size exported");
});

t.test("timestamps at both ends of the protocol's range (years 0000 and 9999) are stored", async (t) => {
  const ledger = await startTestLedger({ listen: false });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  device.stream("EARLY").lastTo = Date.parse("0000-03-01T00:00:00.000Z");
  device.stream("LATE").lastTo = Date.parse("9999-12-31T23:59:58.000Z");
  const res = await ledger.submit(device.sign(ledger.domain, [...device.records(1, { make: "reading", stream: "EARLY" }), ...device.records(1, { make: "reading", stream: "LATE" })]));
  t.equal(res.status, 201, "accepted (PostgreSQL has no year 0: it is stored as 1 BC)");
  const rows = (await ledger.ownerDb.query("SELECT from_ts, header FROM records_indexed ORDER BY seq")).rows;
  t.same(rows.map((r) => (r.from_ts as Date).toISOString()), rows.map((r) => JSON.parse(r.header).from), "from_ts is the header's instant");
  t.same(rows.map((r) => JSON.parse(r.header).from), ["0000-03-01T00:00:01.000Z", "9999-12-31T23:59:59.000Z"]);
});
