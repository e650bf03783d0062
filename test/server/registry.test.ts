// The registry ingest trusts is LedgerAnchor's: a revocation mined by anyone stops acknowledgements from the block
// that holds it on (not from the next background poll), and after a restart the devices table (a mirror the
// database superuser can rewrite) is believed only where the chain confirms it.
import t from "tap";
import pg from "pg";
import { startTestChain } from "../helpers/chain.ts";
import { TestDeviceV2 as TestDevice } from "../helpers/envelopes.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { migratedDatabase, stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";

t.teardown(stopTestCluster);

// The production default: the background event follower alone would keep accepting for up to a second.
const config = { CHAIN_POLL_INTERVAL_MS: 1000 };

t.test("revoked directly on LedgerAnchor: refused as soon as the revocation is mined", async (t) => {
  const ledger = await startTestLedger({ listen: false, config });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  const bystander = await ledger.newDevice();
  t.equal((await ledger.submit(device.envelope(ledger.domain, 2))).status, 201, "accepted while registered");

  await ledger.chain.revokeDevice(device.address); // mined when this returns
  const revokedAt = Number((await ledger.chain.ledger.getFunction("deviceStatus")(device.address)).revokedAtCheckpoint);
  for (let i = 0; i < 3; i++) {
    const res = await ledger.submit(device.envelope(ledger.domain, 1, { commit: false }));
    t.equal(res.status, 403, `envelope ${i + 1} after the revocation is refused`);
    t.match(res.body, { code: "device_revoked", path: ["header", "device"], revokedAtCheckpoint: revokedAt });
  }
  const stored = await ledger.ownerDb.query("SELECT count(*)::int AS n FROM records WHERE device = $1", [Buffer.from(device.address.slice(2), "hex")]);
  t.equal(stored.rows[0].n, 2, "nothing was written for the revoked device");
  t.equal((await ledger.submit(bystander.envelope(ledger.domain, 1))).status, 201, "other devices are unaffected");
});

t.test("a tampered devices table is not trusted after a restart", async (t) => {
  const chain = await startTestChain();
  t.teardown(() => chain.close());
  const database = await migratedDatabase();
  let ledger = await startTestLedger({ chain, database, listen: false, config });
  t.teardown(() => ledger.close());
  const real = await ledger.newDevice();
  t.equal((await ledger.submit(real.envelope(ledger.domain, 2))).status, 201);
  const mirrored = await ledger.ownerDb.query("SELECT 1 FROM devices WHERE address = $1", [Buffer.from(real.address.slice(2), "hex")]);
  t.equal(mirrored.rowCount, 1, "the device is in the mirror");
  await ledger.close();

  const attacker = new TestDevice();
  const owner = new pg.Pool({ connectionString: database.ownerUrl, max: 1 }); // the cluster superuser
  await owner.query("UPDATE devices SET address = $1 WHERE address = $2", [Buffer.from(attacker.address.slice(2), "hex"), Buffer.from(real.address.slice(2), "hex")]);
  await owner.end();

  ledger = await startTestLedger({ chain, database, listen: false, config });
  const forged = await ledger.submit(attacker.envelope(ledger.domain, 1, { commit: false }));
  t.equal(forged.status, 403, "the attacker's key is refused");
  t.match(forged.body, { code: "device_unknown", path: ["header", "device"] });
  t.equal((await ledger.submit(real.envelope(ledger.domain, 1))).status, 201, "the real device still works");
  const leaves = await ledger.ownerDb.query("SELECT count(*)::int AS n FROM records WHERE device = $1", [Buffer.from(attacker.address.slice(2), "hex")]);
  t.equal(leaves.rows[0].n, 0, "nothing stored for the attacker");
  const row = await ledger.ownerDb.query("SELECT registered FROM devices WHERE address = $1", [Buffer.from(attacker.address.slice(2), "hex")]);
  t.same(row.rows, [{ registered: false }], "the forged mirror row is marked unregistered");
});

t.test("started while the chain is unreachable: no device is trusted until the chain answers", async (t) => {
  const chain = await startTestChain();
  t.teardown(() => chain.close());
  const database = await migratedDatabase();
  let ledger = await startTestLedger({ chain, database, listen: false });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  t.equal((await ledger.submit(device.envelope(ledger.domain, 1))).status, 201);
  await ledger.close();

  await chain.stop();
  ledger = await startTestLedger({ chain, database, listen: false });
  const refused = await ledger.submit(device.envelope(ledger.domain, 1, { commit: false }));
  t.equal(refused.status, 503, "the mirror alone is not enough: retry later");
  t.match(refused.body, { code: "registry_unavailable", path: ["header", "device"] });
  await chain.restart();
  const accepted = await waitFor(async () => {
    const res = await ledger.submit(device.envelope(ledger.domain, 1, { commit: false }));
    return res.status === 503 ? undefined : res;
  }, { what: "the chain answering again" });
  t.equal(accepted.status, 201, "accepted once LedgerAnchor confirms the device");
});
