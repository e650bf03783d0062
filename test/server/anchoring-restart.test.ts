// Restart mid-anchoring: a service stops while its anchor transaction is unmined. The next instance finds the
// transaction it wrote ahead, waits for it, then replaces it at the same nonce (or resends it if the node
// dropped it). In the end every checkpoint is anchored exactly once, in order.
import t from "tap";
import { startTestChain } from "../helpers/chain.ts";
import { startTestLedger, type TestLedger } from "../helpers/ledger.ts";
import { auditAnchors } from "../helpers/log-audit.ts";
import { migratedDatabase, stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { TestDeviceV2 as TestDevice } from "../helpers/envelopes.ts";

t.teardown(stopTestCluster);

t.test("restart while an anchor tx is pending: no double anchor, no gap", async (t) => {
  const chain = await startTestChain();
  t.teardown(() => chain.close());
  const database = await migratedDatabase();
  const config = { ANCHOR_TX_TIMEOUT_MS: 800 };
  const start = () => startTestLedger({ chain, database, config, listen: false });
  const automine = (on: boolean) => chain.provider.send("evm_setAutomine", [on]);
  const txsFor = async (ledger: TestLedger, idx: number) => (await ledger.ownerDb.query("SELECT nonce, encode(tx_hash, 'hex') AS h FROM anchor_txs WHERE checkpoint_idx = $1", [idx])).rows as { nonce: number; h: string }[];
  const pendingAnchor = async (ledger: TestLedger, device: TestDevice, idx: number) => {
    t.equal((await ledger.submit(device.envelope(ledger.domain, 5))).status, 201);
    return waitFor(async () => (await txsFor(ledger, idx)).length > 0 || undefined, { what: `anchor tx for checkpoint ${idx} written ahead` });
  };

  let ledger = await start();
  const device = await ledger.newDevice();
  t.equal((await ledger.submit(device.envelope(ledger.domain, 5))).status, 201);
  await ledger.waitAnchored(5);

  await t.test("the node still has the tx: it is waited for, then replaced at the same nonce", async (t) => {
    await automine(false);
    await pendingAnchor(ledger, device, 1);
    await ledger.close(); // mid-anchoring: the tx sits in the mempool
    t.equal(await chain.checkpointCount(), 1, "checkpoint 1 not mined yet");
    ledger = await start();
    await waitFor(async () => (await txsFor(ledger, 1)).length >= 2 || undefined, { what: "a replacement tx" });
    await automine(true);
    await waitFor(async () => { await chain.provider.send("evm_mine", []); return (await chain.checkpointCount()) >= 2 || undefined; });
    const txs = await txsFor(ledger, 1);
    t.equal(new Set(txs.map((x) => x.nonce)).size, 1, "every attempt for checkpoint 1 used one nonce", { txs });
  });

  await t.test("the node dropped the tx: it is resent", async (t) => {
    await automine(false);
    await pendingAnchor(ledger, device, 2);
    await ledger.close();
    await chain.provider.send("anvil_dropAllTransactions", []);
    ledger = await start();
    await automine(true);
    await waitFor(async () => { await chain.provider.send("evm_mine", []); return (await chain.checkpointCount()) >= 3 || undefined; });
    t.pass("checkpoint 2 anchored after the resend");
  });

  t.equal((await ledger.submit(device.envelope(ledger.domain, 5))).status, 201);
  await ledger.waitAnchored(20);
  const audit = await auditAnchors(ledger.ownerDb, chain);
  t.same(audit.mismatches, [], "on-chain checkpoints are the local ones");
  t.equal(audit.onChain, audit.local, "none skipped");
  t.equal(audit.events, audit.onChain, "none anchored twice");
  await ledger.close();
});
