// Proof bundles otledger.bundle/2 from GET /v1/records/{hash}/proof verify with core's verifyBundleV2 against the
// real chain (facts read from LedgerAnchor as chainFactsQueryV2 lists them); tampering fails with the right
// code; pending until anchored; ?treeSize=; consistency proofs between anchored checkpoints verify with core.
import t from "tap";
import {
  chainFactsQueryV2, verifyBundleV2, verifyConsistency, type BundleV2, type FullRecord, type SeriesBody,
} from "../../core/index.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { readChainFactsV2 } from "./chain-facts-v2.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

t.test("proof bundles: pending, anchored, verified against the chain, tampered", async (t) => {
  // The first checkpoint is cut at once; later ones only every 8 leaves (the hour-long interval never fires).
  const api = await startApiLedger({ config: { CHECKPOINT_INTERVAL_MS: 3_600_000, CHECKPOINT_MAX_LEAVES: 8 } });
  t.teardown(() => api.close());
  const facts = (b: BundleV2) => readChainFactsV2(api.chain, chainFactsQueryV2(b));
  const device = await api.newDevice();
  const auditor = await api.principal("auditor", "auditor");
  const first = await api.submit(device.envelope(api.domain, 2));
  const cp0 = await api.waitAnchored(2);

  const later = await api.submit(device.envelope(api.domain, 3));
  const pendingRecord = later.body.records[1]!;
  const pending = await api.get(`/v1/records/${pendingRecord.hash}/proof`, auditor.key);
  t.equal(pending.statusCode, 202, "not anchored yet");
  t.same(pending.json(), { status: "pending", index: pendingRecord.index, hash: pendingRecord.hash, expectedCheckpoint: { minTreeSize: pendingRecord.index + 1, index: 1 } });

  await api.submit(device.envelope(api.domain, 8)); // enough leaves for checkpoint 1
  const cp1 = await waitFor<{ index: number; treeSize: number }>(async () => {
    const res = await api.get("/v1/checkpoints/latest", auditor.key);
    return res.statusCode === 200 && res.json().index >= 1 ? res.json() : undefined;
  }, { what: "checkpoint 1 anchored" });

  const res = await api.get(`/v1/records/${pendingRecord.hash}/proof`, auditor.key);
  t.equal(res.statusCode, 200);
  const bundle = res.json() as BundleV2;
  t.equal(bundle.version, "otledger.bundle/2");
  // Against the latest anchored checkpoint: cp1, or a later one if the access records of these very reads have
  // already filled another checkpoint (every 8 leaves here).
  t.ok(bundle.anchor.checkpointIndex >= cp1.index, `anchored at checkpoint ${bundle.anchor.checkpointIndex} >= ${cp1.index}`);
  t.ok(bundle.anchor.treeSize > pendingRecord.index, "the checkpoint covers the record");
  const chainFacts = await facts(bundle);
  const verdict = verifyBundleV2(bundle, chainFacts);
  t.ok(verdict.ok, "the bundle verifies against LedgerAnchor");
  t.equal(verdict.openings, "full");
  t.notOk(verdict.checks.some((c) => c.skipped), "no check skipped (anchor tx read too)");

  const tampered = (mutate: (b: BundleV2) => void) => {
    const copy = structuredClone(bundle);
    mutate(copy);
    return verifyBundleV2(copy, chainFacts).checks.filter((c) => !c.ok).map((c) => c.code);
  };
  t.same(tampered((b) => { ((b.record as FullRecord).body as SeriesBody).values[0] = 99; }), ["body_commitment_mismatch"], "a changed value");
  t.same(tampered((b) => { b.record.header.streamSeq += 1; }), ["record_hash_mismatch"], "a changed header");
  t.same(tampered((b) => { b.log.proof[0] = "0x" + "00".repeat(32); }), ["log_root_mismatch"], "a changed log proof");
  t.same(tampered((b) => { b.envelope.proof[0] = "0x" + "00".repeat(32); }), ["envelope_root_mismatch"], "a changed envelope proof");

  await t.test("?treeSize= an older anchored checkpoint", async (t) => {
    const old = await api.get(`/v1/records/${first.body.records[0]!.hash}/proof?treeSize=${cp0.treeSize}`, auditor.key);
    t.equal(old.statusCode, 200);
    const b = old.json() as BundleV2;
    t.equal(b.anchor.checkpointIndex, 0);
    t.ok(verifyBundleV2(b, await facts(b)).ok);
    const notInTree = await api.get(`/v1/records/${pendingRecord.hash}/proof?treeSize=${cp0.treeSize}`, auditor.key);
    t.equal(notInTree.statusCode, 400);
    t.match(notInTree.json(), { code: "record_not_in_tree", path: ["treeSize"] });
    const notAnchored = await api.get(`/v1/records/${pendingRecord.hash}/proof?treeSize=${cp1.treeSize + 1000}`, auditor.key);
    t.match(notAnchored.json(), { statusCode: 400, code: "tree_size_not_anchored", path: ["treeSize"] });
  });

  await t.test("consistency between anchored checkpoints", async (t) => {
    const list = (await api.get("/v1/checkpoints", auditor.key)).json().checkpoints as { index: number; treeSize: number; root: string }[];
    t.ok(list.length >= 2);
    for (const c of list) t.equal(String((await api.chain.ledger.getFunction("checkpointAt")(c.index)).root), c.root, `checkpoint ${c.index} is the chain's`);
    const [a, b] = [list[0]!, list[list.length - 1]!];
    const res = await api.get(`/v1/checkpoints/consistency?from=${a.treeSize}&to=${b.treeSize}`, auditor.key);
    t.equal(res.statusCode, 200);
    t.doesNotThrow(() => verifyConsistency(a.treeSize, b.treeSize, res.json().proof, a.root, b.root));
    const forged = [...res.json().proof];
    forged[0] = "0x" + "ab".repeat(32);
    t.throws(() => verifyConsistency(a.treeSize, b.treeSize, forged, a.root, b.root));
    t.match((await api.get(`/v1/checkpoints/consistency?from=${a.treeSize + 1}&to=${b.treeSize}`, auditor.key)).json(), { statusCode: 400, code: "tree_size_not_anchored", path: ["from"] });
  });
});
