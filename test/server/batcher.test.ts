// Group commit: envelopes queued behind an in-flight transaction are stored in one transaction, each with its
// own outcome; a rejected one writes nothing and does not disturb the others.
import t from "tap";
import { envelopeDomain } from "../../core/index.ts";
import { createPool } from "../../server/db/pool.ts";
import { EnvelopeBatcher } from "../../server/ingest/batcher.ts";
import { IngestError } from "../../server/ingest/errors.ts";
import { verifyEnvelope } from "../../server/ingest/verify.ts";
import { TestDevice } from "../helpers/envelopes.ts";
import { migratedDatabase, stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

t.test("a batch of envelopes: accepted, replayed and rejected side by side", async (t) => {
  const { ownerUrl, appUrl } = await migratedDatabase();
  const pool = createPool({ ownerUrl, appUrl, max: 4 });
  t.teardown(() => pool.end());
  const domain = envelopeDomain(31337, "0x" + "11".repeat(20));
  const batcher = new EnvelopeBatcher(pool, { maxBatch: 16, maxInFlight: 1 });
  const devices = [0, 1, 2, 3].map(() => new TestDevice());
  const envs = devices.map((d) => d.envelope(domain, 10));
  const gapDevice = new TestDevice();
  gapDevice.seq = 4; // its first envelope starts at seq 5: a gap
  const gap = gapDevice.envelope(domain, 3);

  const first = batcher.store(verifyEnvelope(envs[0]!, domain)); // starts a transaction at once
  const queued = [envs[1]!, envs[2]!, gap, envs[1]!, envs[3]!].map((e) => batcher.store(verifyEnvelope(e, domain)).catch((err: unknown) => err));
  const [a, ...rest] = [await first, ...(await Promise.all(queued))];
  t.equal(a.status, 201);
  const [b, c, g, bAgain, d] = rest as [{ status: number; receipt: { records: { index: number }[] } }, { status: number }, IngestError, { status: number; receipt: unknown }, { status: number }];
  t.equal(b.status, 201);
  t.equal(c.status, 201);
  t.equal(d.status, 201);
  t.ok(g instanceof IngestError && g.code === "seq_gap", "the gap is refused with its code");
  t.equal(bAgain.status, 200, "a copy in the same batch is a replay");
  t.same(bAgain.receipt, b.receipt, "with the same receipt");

  const leaves = await pool.query("SELECT count(*)::int AS n, max(idx)::int AS m FROM leaves");
  t.same(leaves.rows[0], { n: 40, m: 39 }, "40 leaves, contiguous");
  const stray = await pool.query("SELECT count(*)::int AS n FROM records WHERE device = $1", [Buffer.from(gapDevice.address.slice(2), "hex")]);
  t.equal(stray.rows[0].n, 0, "the refused envelope wrote nothing");
  const indexed = await pool.query("SELECT count(*)::int AS n FROM leaves l JOIN records_indexed r ON r.leaf_index = l.idx AND r.hash = l.hash");
  t.equal(indexed.rows[0].n, 40, "every leaf is its record's hash");
});
