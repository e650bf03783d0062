// The chain goes away: ingest keeps working, checkpoints queue, /readyz says anchoring is degraded; when the
// chain comes back the anchorer catches up, every checkpoint anchored once and in order. A reorg that drops
// anchors is repaired the same way.
import t from "tap";
import { startTestLedger } from "../helpers/ledger.ts";
import { auditAnchors } from "../helpers/log-audit.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";

t.teardown(stopTestCluster);

t.test("chain down, then up: ingest continues and the anchorer catches up", async (t) => {
  const ledger = await startTestLedger({ listen: false, config: { READY_MAX_ANCHOR_LAG_MS: 1000 } });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  t.equal((await ledger.submit(device.envelope(ledger.domain, 10))).status, 201);
  await ledger.waitAnchored(10);

  await ledger.chain.stop();
  const localCheckpoints = async () => (await ledger.ownerDb.query("SELECT count(*)::int AS n FROM checkpoints")).rows[0].n as number;
  const cutBefore = await localCheckpoints();
  for (let i = 0; i < 3; i++) {
    t.equal((await ledger.submit(device.envelope(ledger.domain, 10))).status, 201, "ingest accepts while the chain is down");
    await waitFor(async () => (await localCheckpoints()) > cutBefore + i || undefined, { what: "a checkpoint cut while the chain is down" });
  }
  const ready = await waitFor(async () => {
    const r = (await ledger.app.inject({ url: "/readyz" })).json();
    return r.anchoring?.lagSeconds > 1 ? r : undefined;
  }, { what: "anchoring lag building up" });
  t.equal(ready.status, "degraded", "/readyz reports degraded anchoring");
  t.equal(ready.chain.ok, false, "and the chain unreachable");
  t.equal(ready.anchoring.lagLeaves, 30, "30 leaves wait for anchoring");
  const metrics = (await ledger.app.inject({ url: "/metrics" })).body;
  t.match(metrics, /otledger_chain_errors_total\{component="anchorer"\} [1-9]/, "chain errors are counted");
  t.match(metrics, /otledger_anchoring_lag_leaves 30/, "anchoring lag in leaves is exported");

  await ledger.chain.restart();
  await ledger.waitAnchored(40);
  const audit = await auditAnchors(ledger.ownerDb, ledger.chain);
  t.same(audit.mismatches, [], "every on-chain checkpoint is the local one");
  t.equal(audit.onChain, audit.local, "every local checkpoint is anchored: none skipped");
  t.equal(audit.events, audit.onChain, "and each exactly once");
  const after = (await ledger.app.inject({ url: "/readyz" })).json();
  t.equal(after.anchoring.lagLeaves, 0, "no lag once caught up");
});

t.test("a reorg drops anchors: they are re-anchored from the stored tree", async (t) => {
  const ledger = await startTestLedger({ listen: false });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  t.equal((await ledger.submit(device.envelope(ledger.domain, 4))).status, 201);
  await ledger.waitAnchored(4);
  const snapshot = await ledger.chain.snapshot();
  t.equal((await ledger.submit(device.envelope(ledger.domain, 4))).status, 201);
  t.equal((await ledger.submit(device.envelope(ledger.domain, 4))).status, 201);
  await ledger.waitAnchored(12);
  const anchoredBefore = await ledger.chain.checkpointCount();
  await ledger.chain.revert(snapshot); // the chain forgets the later anchors (and the anchorer's nonces)
  t.ok((await ledger.chain.checkpointCount()) < anchoredBefore, "the reorg removed anchors");
  await ledger.waitAnchored(12);
  const audit = await auditAnchors(ledger.ownerDb, ledger.chain);
  t.same(audit.mismatches, []);
  t.equal(audit.onChain, audit.local, "all local checkpoints are back on-chain, in order");
  const latest = await ledger.ownerDb.query("SELECT DISTINCT ON (checkpoint_idx) checkpoint_idx, encode(tx_hash, 'hex') AS tx FROM anchors ORDER BY checkpoint_idx, id DESC");
  for (const row of latest.rows) {
    const receipt = await ledger.chain.provider.getTransactionReceipt("0x" + row.tx);
    t.ok(receipt !== null, `checkpoint ${row.checkpoint_idx}: the latest anchor row names a transaction the chain has`);
  }
});
