// Group commit: envelopes queued behind an in-flight transaction are stored in one transaction, each with its
// own outcome; a rejected one writes nothing and does not disturb the others.
import t from "tap";
import { envelopeDomainV2 } from "../../core/index.ts";
import { createPool } from "../../server/db/pool.ts";
import { EnvelopeBatcher } from "../../server/ingest/batcher.ts";
import { IngestError } from "../../server/ingest/errors.ts";
import { verifyEnvelope } from "../../server/ingest/verify.ts";
import { TestDeviceV2 as TestDevice } from "../helpers/envelopes.ts";
import { migratedDatabase, stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

t.test("a batch of envelopes: accepted, replayed and rejected side by side", async (t) => {
  const { ownerUrl, appUrl } = await migratedDatabase();
  const pool = createPool({ ownerUrl, appUrl, max: 4 });
  t.teardown(() => pool.end());
  const domain = envelopeDomainV2(31337, "0x" + "11".repeat(20));
  const batcher = new EnvelopeBatcher(pool, { maxBatch: 16, maxInFlight: 1 });
  const devices = [0, 1, 2, 3].map(() => new TestDevice());
  const envs = devices.map((d) => d.envelope(domain, 10));
  const gapDevice = new TestDevice();
  gapDevice.seq = 4; // its first envelope starts at seq 5: a gap
  gapDevice.prev = `0x${"cd".repeat(32)}`;
  const gap = gapDevice.envelope(domain, 3);
  // Two envelopes of one device in one batch: the second continues the first's device and stream heads, which it
  // sees inside the batch's transaction. A third skips a streamSeq of that stream.
  const chained = new TestDevice();
  const [e1, e2] = [chained.envelope(domain, 2), chained.envelope(domain, 2)];
  chained.stream("TT-101.PV").streamSeq += 1;
  const streamGap = chained.envelope(domain, 1, { commit: false });

  const first = batcher.store(verifyEnvelope(envs[0]!, domain)); // starts a transaction at once
  const queued = [envs[1]!, envs[2]!, gap, envs[1]!, envs[3]!, e1, e2, streamGap].map((e) => batcher.store(verifyEnvelope(e, domain)).catch((err: unknown) => err));
  const [a, ...rest] = [await first, ...(await Promise.all(queued))];
  t.equal(a.status, 201);
  const [b, c, g, bAgain, d, r1, r2, sg] = rest as [{ status: number; receipt: { records: { index: number }[] } }, { status: number }, IngestError, { status: number; receipt: unknown }, { status: number }, { status: number }, { status: number }, IngestError];
  t.equal(b.status, 201);
  t.equal(c.status, 201);
  t.equal(d.status, 201);
  t.ok(g instanceof IngestError && g.code === "seq_gap", "the gap is refused with its code");
  t.equal(bAgain.status, 200, "a copy in the same batch is a replay");
  t.same([r1.status, r2.status], [201, 201], "a device's consecutive envelopes in one batch both chain");
  t.ok(sg instanceof IngestError && sg.code === "stream_seq_gap" && sg.details.expectedStreamSeq === 5, "a stream gap behind them is refused against the head the batch just wrote");
  t.same(bAgain.receipt, b.receipt, "with the same receipt");

  const leaves = await pool.query("SELECT count(*)::int AS n, max(idx)::int AS m FROM leaves");
  t.same(leaves.rows[0], { n: 44, m: 43 }, "44 leaves, contiguous");
  const stray = await pool.query("SELECT count(*)::int AS n FROM records WHERE device = $1", [Buffer.from(gapDevice.address.slice(2), "hex")]);
  t.equal(stray.rows[0].n, 0, "the refused envelope wrote nothing");
  const indexed = await pool.query("SELECT count(*)::int AS n FROM leaves l JOIN records_indexed r ON r.leaf_index = l.idx AND r.hash = l.hash");
  t.equal(indexed.rows[0].n, 44, "every leaf is its record's hash");
});
