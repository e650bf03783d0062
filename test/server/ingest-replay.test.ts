// Idempotent replay, equivocation evidence, and concurrent submissions keeping the log contiguous.
import t from "tap";
import { recordHash, sealRecord, type FullRecord } from "../../core/index.ts";
import { TestDeviceV2, newSalt, signedEnvelopeV2 } from "../helpers/envelopes.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

t.test("replay, equivocation, concurrency", async (t) => {
  const ledger = await startTestLedger({ listen: false });
  t.teardown(() => ledger.close());
  const count = async (table: string) => (await ledger.ownerDb.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  t.test("an exact replay gets 200 and the same receipt, nothing written twice", async (t) => {
    const device = await ledger.newDevice();
    const env = device.envelope(ledger.domain, 4);
    const first = await ledger.submit(env);
    t.equal(first.status, 201);
    const records = await count("records");
    const again = await ledger.submit(env);
    t.equal(again.status, 200);
    t.same(again.body, first.body, "same receipt");
    t.equal(await count("records"), records, "no new records");
    const next = device.envelope(ledger.domain, 2);
    const racing = await Promise.all([1, 2, 3].map(() => ledger.submit(structuredClone(next))));
    t.same(racing.map((r) => r.status).sort(), [200, 200, 201], "concurrent copies of one new envelope: one 201, the others replays");
    t.same(racing[0]!.body.records, racing[1]!.body.records, "all copies get the same receipt");
  });

  t.test("a different record for a used seq is equivocation; the evidence is kept", async (t) => {
    const device = await ledger.newDevice();
    const honest = device.envelope(ledger.domain, 3);
    t.equal((await ledger.submit(honest)).status, 201);
    // The same positions (seq 1..3, streamSeq 1..3 of the same stream) with record 2's series value rewritten and
    // resealed: a validly signed second history.
    const forged: FullRecord[] = [honest.records[0]!];
    for (const r of honest.records.slice(1)) {
      const prev = recordHash(forged.at(-1)!.header);
      const body = r === honest.records[1] ? { ...r.body, values: (r.body as { values: number[] }).values.map((v) => v + 1) } : r.body;
      const { v: _v, stream: _s, body: _b, ...fields } = r.header;
      forged.push(sealRecord({ header: { ...fields, prev, streamPrev: prev }, stream: r.stream, salt: newSalt(), body: body as FullRecord["body"] }));
    }
    const conflicting = signedEnvelopeV2(ledger.domain, device.wallet, forged);
    const envelopesBefore = await count("envelopes");
    const res = await ledger.submit(conflicting);
    t.equal(res.status, 409);
    t.equal(res.body.code, "equivocation");
    t.equal(res.body.seq, 2, "names the equivocated seq");
    t.equal(res.body.existingHash, recordHash(honest.records[1]!.header));
    t.equal(res.body.conflictingHash, recordHash(forged[1]!.header));
    t.equal(await count("envelopes"), envelopesBefore, "the conflicting envelope is not stored as data");
    const evidence = await ledger.ownerDb.query("SELECT e.seq, e.conflicting_envelope, v.signature, v.records_root FROM equivocations e JOIN envelopes v ON v.id = e.existing_envelope_id WHERE e.device = $1", [Buffer.from(device.address.slice(2), "hex")]);
    t.equal(evidence.rowCount, 1, "one evidence row");
    t.same(evidence.rows[0].conflicting_envelope, conflicting, "the whole signed conflicting envelope is kept");
    t.equal("0x" + evidence.rows[0].signature.toString("hex"), honest.signature, "linked to the stored signed envelope");
    t.equal((await ledger.submit(conflicting)).status, 409, "a resubmission is still refused");
    t.equal((await ledger.ownerDb.query("SELECT count(*)::int AS n FROM equivocations WHERE device = $1", [Buffer.from(device.address.slice(2), "hex")])).rows[0].n, 1, "and not recorded twice");
  });

  t.test("concurrent agents: leaf indexes stay contiguous, every chain intact", async (t) => {
    const devices = await Promise.all([1, 2, 3, 4].map(() => ledger.newDevice()));
    await Promise.all(devices.map(async (d) => {
      for (let i = 0; i < 5; i++) t.equal((await ledger.submit(d.envelope(ledger.domain, 20))).status, 201);
    }));
    const leaves = await ledger.ownerDb.query("SELECT count(*)::int AS n, max(idx)::int AS m FROM leaves");
    t.equal(leaves.rows[0].m, leaves.rows[0].n - 1, "no holes in the leaf indexes");
    const joined = await ledger.ownerDb.query("SELECT count(*)::int AS n FROM leaves l JOIN records_indexed r ON r.leaf_index = l.idx AND r.hash = l.hash");
    t.equal(joined.rows[0].n, leaves.rows[0].n, "every leaf is its record's hash");
    for (const d of devices) {
      const rows = await ledger.ownerDb.query("SELECT seq, encode(hash, 'hex') AS h, encode(prev, 'hex') AS p FROM records WHERE device = $1 ORDER BY seq", [Buffer.from(d.address.slice(2), "hex")]);
      t.equal(rows.rowCount, 100);
      t.ok(rows.rows.every((r, i) => i === 0 ? r.p === null : r.p === rows.rows[i - 1].h), "prev links are intact");
    }
  });
});
