// Two service instances on one database and one chain: both ingest, exactly one (the advisory-lock leader)
// integrates and anchors; when it goes away the other takes over.
import t from "tap";
import { startTestChain } from "../helpers/chain.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { auditAnchors } from "../helpers/log-audit.ts";
import { migratedDatabase, stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";

t.teardown(stopTestCluster);

const anchorsBy = async (ledger: { app: { ledger: { metrics: { anchors: { get(): Promise<{ values: { value: number }[] }> } } } } }) =>
  (await ledger.app.ledger.metrics.anchors.get()).values[0]?.value ?? 0;

t.test("two instances, one anchorer", async (t) => {
  const chain = await startTestChain();
  t.teardown(() => chain.close());
  const database = await migratedDatabase();
  const a = await startTestLedger({ chain, database, listen: false });
  const b = await startTestLedger({ chain, database, listen: false });
  t.teardown(async () => { await a.close(); await b.close(); });
  const leaders = await waitFor(() => {
    const l = [a, b].filter((x) => x.app.ledger.leader!.isLeader);
    return l.length === 1 ? l : undefined;
  }, { what: "one leader" });
  const [leader, follower] = leaders[0] === a ? [a, b] : [b, a];
  const device = await a.newDevice();
  const other = await a.newDevice();
  for (let i = 0; i < 3; i++) {
    t.equal((await a.submit(device.envelope(a.domain, 5))).status, 201, "instance A ingests");
    t.equal((await b.submit(other.envelope(b.domain, 5))).status, 201, "instance B ingests");
  }
  await a.waitAnchored(30);
  t.equal([a, b].filter((x) => x.app.ledger.leader!.isLeader).length, 1, "still exactly one leader");
  t.ok((await anchorsBy(leader)) > 0, "the leader anchored");
  t.equal(await anchorsBy(follower), 0, "the other instance never anchored");
  const audit = await auditAnchors(a.ownerDb, chain);
  t.same(audit.mismatches, []);
  t.equal(audit.events, audit.local, "each checkpoint anchored once");

  await leader.close();
  await waitFor(() => follower.app.ledger.leader!.isLeader || undefined, { what: "the follower takes over" });
  t.equal((await follower.submit(device.envelope(follower.domain, 5))).status, 201);
  await follower.waitAnchored(35);
  // The anchorer counts an anchor once it has its receipt, a moment after the chain shows the checkpoint.
  t.ok(await waitFor(async () => (await anchorsBy(follower)) > 0 || undefined, { timeoutMs: 10_000, what: "an anchor by the new leader" }), "the new leader anchors");
  const after = await auditAnchors(follower.ownerDb, chain);
  t.same(after.mismatches, []);
  t.equal(after.events, after.local, "still each checkpoint anchored once");
});
