// Stream chains at ingest (PROTOCOL §8, docs/design/v2-cutover.md): each stream an envelope touches must
// continue the stream's stored head — else 409 with the evidence — and one name keeps one stream id. Streams of
// one device interleave freely; racing envelopes on one stream cannot both pass; heads survive a restart.
import t from "tap";
import type { FullRecord } from "../../core/index.ts";
import { TestDeviceV2, newSalt, type StreamState } from "../helpers/envelopes.ts";
import { startTestLedger, type TestLedger } from "../helpers/ledger.ts";
import { migratedDatabase, stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

const A = "TT-101.PV", B = "PT-7.PV";
const TABLES = ["envelopes", "records", "leaves", "equivocations"];

const counts = async (ledger: TestLedger) =>
  Object.fromEntries(await Promise.all(TABLES.map(async (tb) => [tb, (await ledger.ownerDb.query(`SELECT count(*)::int AS n FROM ${tb}`)).rows[0].n])));

/** Builds without advancing after changing a copy of one stream's state; the device's real state is untouched. */
function withStream(device: TestDeviceV2, name: string, change: (s: StreamState) => void, build: () => FullRecord[]): FullRecord[] {
  const st = device.stream(name), saved = { ...st };
  change(st);
  try { return build(); } finally { Object.assign(st, saved); }
}

/** The stream chain as stored: (stream_seq, hash, stream_prev) ordered, and whether every link holds. */
async function storedChain(ledger: TestLedger, device: TestDeviceV2, name: string) {
  const rows = (await ledger.ownerDb.query(
    "SELECT stream_seq, encode(hash, 'hex') AS h, encode(stream_prev, 'hex') AS p, header FROM records_indexed WHERE device = $1 AND stream_name = $2 ORDER BY stream_seq",
    [Buffer.from(device.address.slice(2), "hex"), name])).rows as { stream_seq: number; h: string; p: string | null; header: string }[];
  const linked = rows.every((r, i) => r.stream_seq === i + 1 && (i === 0 ? r.p === null : r.p === rows[i - 1]!.h)
    && (i === 0 || JSON.parse(r.header).from >= JSON.parse(rows[i - 1]!.header).to));
  return { n: rows.length, linked };
}

t.test("stream head rejections carry their evidence and write nothing", async (t) => {
  const ledger = await startTestLedger({ listen: false });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  t.equal((await ledger.submit(device.envelope(ledger.domain, 2, { stream: A }))).status, 201, "setup: stream A has 2 records");
  t.equal((await ledger.submit(device.envelope(ledger.domain, 1, { make: "reading", stream: B }))).status, 201, "setup: stream B has 1");
  const headA = device.stream(A);
  const streamA = headA.streamPrev && (await ledger.ownerDb.query("SELECT encode(stream, 'hex') AS s, header FROM records_indexed WHERE hash = $1", [Buffer.from(headA.streamPrev.slice(2), "hex")])).rows[0];
  const idA = "0x" + streamA.s, headTo = JSON.parse(streamA.header).to as string;
  const before = await counts(ledger);

  // Each bad record is the second of its envelope, behind a good record of stream B, so the path names index 1.
  const envelopeWithBadA = (change: (s: StreamState) => void) => {
    const saved = { seq: device.seq, prev: device.prev, b: { ...device.stream(B) } };
    const good = device.records(1, { make: "reading", stream: B });
    const bad = withStream(device, A, change, () => device.records(1, { stream: A, commit: false }));
    Object.assign(device, { seq: saved.seq, prev: saved.prev });
    Object.assign(device.stream(B), saved.b);
    return device.sign(ledger.domain, [...good, ...bad]);
  };

  const gap = await ledger.submit(envelopeWithBadA((s) => { s.streamSeq += 1; }));
  t.same([gap.status, gap.body.code, gap.body.path], [409, "stream_seq_gap", ["records", 1, "header", "streamSeq"]], "a skipped streamSeq: 409 stream_seq_gap at its path");
  t.same([gap.body.stream, gap.body.expectedStreamSeq, gap.body.gotStreamSeq], [idA, 3, 4], "names the stream, the expected and the submitted streamSeq");

  const prev = await ledger.submit(envelopeWithBadA((s) => { s.streamPrev = `0x${"ab".repeat(32)}`; }));
  t.same([prev.status, prev.body.code, prev.body.path], [409, "stream_prev_mismatch", ["records", 1, "header", "streamPrev"]], "a wrong streamPrev: 409 stream_prev_mismatch");
  t.same([prev.body.stream, prev.body.expectedStreamPrev], [idA, headA.streamPrev], "names the stored head's hash");

  const early = await ledger.submit(envelopeWithBadA((s) => { s.lastTo -= 30_000; }));
  t.same([early.status, early.body.code, early.body.path], [409, "stream_time_order", ["records", 1, "header", "from"]], "a record starting before the head ends: 409 stream_time_order");
  t.same([early.body.stream, early.body.headTo], [idA, headTo], "names the head's to");
  t.equal(early.body.from, new Date(Date.parse(headTo) - 29_000).toISOString(), "and the submitted from");

  const renamed = await ledger.submit(envelopeWithBadA((s) => { s.salt = newSalt(); s.streamSeq = 0; s.streamPrev = null; }));
  t.same([renamed.status, renamed.body.code, renamed.body.path], [409, "stream_name_conflict", ["records", 1, "stream", "name"]], "a second stream id for a stored name: 409 stream_name_conflict");
  t.same([renamed.body.name, renamed.body.storedStream], [A, idA], "names the name and the stored id");
  t.not(renamed.body.gotStream, idA, "and the submitted one");

  t.same(await counts(ledger), before, "no rejected envelope wrote anything (its good record of stream B neither)");

  // A stream's next record may start exactly when the head ends (from >= to).
  const touching = withStream(device, A, (s) => { s.lastTo -= 1000; }, () => device.records(1, { stream: A, commit: false }));
  t.equal(touching[0]!.header.from, headTo, "(built to start at the head's to)");
  t.equal((await ledger.submit(device.sign(ledger.domain, touching))).status, 201, "from = head.to is accepted");
});

t.test("two streams of one device interleave within and across envelopes", async (t) => {
  const ledger = await startTestLedger({ listen: false });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  t.equal((await ledger.submit(device.envelope(ledger.domain, 3, { stream: A, samples: 5 }))).status, 201, "A alone");
  t.equal((await ledger.submit(device.envelope(ledger.domain, 2, { make: "reading", stream: B }))).status, 201, "B alone");
  for (let round = 0; round < 3; round++) {
    const mixed = [1, 2, 3, 4].flatMap((i) => (i % 2 === 0 ? device.records(1, { stream: A, samples: 5 }) : device.records(1, { make: "reading", stream: B })));
    mixed.push(...device.records(1, { make: "event" }));
    const res = await ledger.submit(device.sign(ledger.domain, mixed));
    t.equal(res.status, 201, `round ${round}: B, A, B, A and an event in one envelope`);
  }
  t.same(await storedChain(ledger, device, A), { n: 9, linked: true }, "A: streamSeq 1..9, each streamPrev the previous record of A, in time order");
  t.same(await storedChain(ledger, device, B), { n: 8, linked: true }, "B likewise");
  t.same(await storedChain(ledger, device, "@events/pump1"), { n: 3, linked: true }, "the event stream likewise");
  const seqs = (await ledger.ownerDb.query("SELECT seq FROM records WHERE device = $1 ORDER BY seq", [Buffer.from(device.address.slice(2), "hex")])).rows.map((r) => r.seq);
  t.same(seqs, Array.from({ length: 20 }, (_, i) => i + 1), "one device chain through all streams");
});

t.test("a racing pair of envelopes on one stream: exactly one passes the head check", async (t) => {
  const database = await migratedDatabase();
  const a = await startTestLedger({ database, listen: false });
  t.teardown(() => a.close());
  const b = await startTestLedger({ database, chain: a.chain, listen: false, workers: false });
  t.teardown(() => b.close());
  const device = await a.newDevice();
  t.equal((await a.submit(device.envelope(a.domain, 2, { stream: A }))).status, 201, "setup");
  for (let round = 0; round < 6; round++) {
    // Both continue the same stored heads (device seq and streamSeq), with different records.
    const [x, y] = [1, 2].map(() => device.envelope(a.domain, 3, { stream: A, samples: 4, commit: false }));
    const [rx, ry] = await Promise.all([a.submit(x), (round % 2 === 0 ? b : a).submit(y)]);
    t.same([rx!.status, ry!.status].sort(), [201, 409], `round ${round}: one 201, one 409`);
    const loser = rx!.status === 409 ? rx! : ry!;
    t.equal(loser.body.code, "equivocation", "the loser conflicts with what the winner stored");
    const winner = rx!.status === 201 ? x! : y!;
    const last = winner.records.at(-1)!.header;
    Object.assign(device, { seq: last.seq, prev: winner.header.lastHash });
    Object.assign(device.stream(A), { streamSeq: last.streamSeq, streamPrev: winner.header.lastHash, lastTo: Date.parse(last.to) });
  }
  t.same(await storedChain(a, device, A), { n: 20, linked: true }, "the stream chain stayed single: 20 records, every link intact");
});

t.test("stream heads survive a restart", async (t) => {
  const database = await migratedDatabase();
  const first = await startTestLedger({ database, listen: false });
  const device = await first.newDevice();
  t.equal((await first.submit(device.envelope(first.domain, 3, { stream: A }))).status, 201);
  t.equal((await first.submit(device.envelope(first.domain, 2, { make: "reading", stream: B }))).status, 201);
  const chain = first.chain;
  const stale = withStream(device, A, (s) => { s.streamSeq -= 1; }, () => device.records(1, { stream: A, commit: false }));
  await first.app.close(); // the chain stays: a new service on the same database and chain
  const second = await startTestLedger({ database, chain, listen: false });
  t.teardown(async () => { await second.close(); await first.close(); await chain.close(); });
  const res = await second.submit(device.sign(second.domain, stale));
  t.same([res.status, res.body.code, res.body.expectedStreamSeq], [409, "stream_seq_gap", 4], "the restarted service knows stream A's head");
  t.equal((await second.submit(device.envelope(second.domain, 1, { stream: A }))).status, 201, "and accepts its continuation");
  t.equal((await second.submit(device.envelope(second.domain, 1, { make: "reading", stream: B }))).status, 201, "and B's");
  t.same(await storedChain(second, device, A), { n: 4, linked: true });
});
