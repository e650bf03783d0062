// Delivery against a real ledger when the ledger already holds some records (receipts lost in a crash):
// an exact replay (200) counts as success, and a 409 overlap resyncs on the expected seq. The spool's records are
// series of two tags and events of an asset, so every envelope carries interleaved stream chains: the ledger's
// stream head checks must accept them however the device chain is split into envelopes.
import t from "tap";
import { Wallet } from "ethers";
import { buildEnvelopeV2, RecordSchema, type FullRecord } from "../../core/index.ts";
import { Backoff } from "../../edge/delivery/backoff.ts";
import { LedgerClient } from "../../sdk/ledger-client.ts";
import { EnvelopeSender, type DeliveryAlarm } from "../../edge/delivery/sender.ts";
import { Spool } from "../../edge/spool/spool.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { tempDir, testLog } from "./helpers.ts";
import { chainBreaks, ledgerRecords } from "./ledger-helpers.ts";

const ledger = await startTestLedger();
t.teardown(async () => { await ledger.close(); await stopTestCluster(); });

const T0 = 1_800_000_000_000;
const TAGS = [
  { stream: "B-201.DrumPressure", nodeId: "ns=1;s=B-201.DrumPressure", unit: "bar" },
  { stream: "P-101.Flow", nodeId: "ns=1;s=P-101.Flow", unit: "m³/h" },
];
/** A window closes after 3 samples: capture seals series as it goes. */
const WINDOW = { seconds: 3600, maxSamples: 3 };

/**
 * Captures samples (the two tags in turn, 1 s apart) and every fourth record an event, until the spool has sealed
 * `count` more records. Returns the next sample index, so a later call continues both tags' time order.
 */
function fill(spool: Spool, count: number, from = 0): number {
  const target = spool.head().lastSeq + count;
  let i = from;
  while (spool.head().lastSeq < target) {
    if (spool.head().lastSeq % 4 === 3) {
      spool.addEvents([{ at: T0 + i * 1000, body: { type: "inspection", asset: "P-101", workOrder: null }, personal: { actor: null, text: `round ${i}` } }]);
    } else {
      const tag = TAGS[i % 2]!;
      spool.capture([{ ...tag, t: T0 + i * 1000, serverTs: null, status: 0, value: { t: "Double", v: 10 + i / 100 } }]);
      i++;
    }
  }
  return i;
}
/** Sample keys (tag, time, value) of every series and reading the ledger holds: a duplicate would repeat one. */
const sampleKeys = (rows: Awaited<ReturnType<typeof ledgerRecords>>) => rows.flatMap((r) => {
  const rec = r.record as FullRecord;
  if (rec.header.kind !== "series") return [];
  const body = rec.body as { dt: number[]; values: unknown[] };
  let at = Date.parse(rec.header.from);
  return body.dt.map((dt, k) => `${rec.stream.name}|${(at += dt)}|${JSON.stringify(body.values[k])}`);
});

type SetupOptions = { register?: boolean; onAlarm?: (a: DeliveryAlarm) => void; backoff?: Backoff; onFailure?: () => void; onRecovered?: () => void };
async function setup(name: string, count: number, onDelivered?: (d: { replay: boolean }) => void, opts: SetupOptions = {}) {
  const wallet = Wallet.createRandom();
  const device = wallet.address.toLowerCase();
  if (opts.register !== false) await ledger.chain.registerDevice(device);
  const spool = new Spool(tempDir(name), { device, maxBytes: 1e9, whenFull: "keep-oldest", windowOf: () => WINDOW });
  const nextSample = fill(spool, count);
  const records = spool.pending(count).map((r) => RecordSchema.parse(JSON.parse(r.json)));
  const sender = new EnvelopeSender({
    spool, client: new LedgerClient(ledger.url, 5000), signer: wallet, device, domain: async () => ledger.domain,
    maxRecords: 20, lingerMs: 0, backoff: opts.backoff ?? new Backoff(20, 200), log: testLog, ...(onDelivered ? { onDelivered } : {}), ...(opts.onAlarm ? { onAlarm: opts.onAlarm } : {}),
    ...(opts.onFailure ? { onFailure: opts.onFailure } : {}), ...(opts.onRecovered ? { onRecovered: opts.onRecovered } : {}),
  });
  return { wallet, device, spool, records, sender, nextSample };
}

t.test("a replay of an envelope the ledger already accepted is success", async (t) => {
  const replays: boolean[] = [];
  const { wallet, device, spool, records, sender } = await setup("replay", 20, (d) => replays.push(d.replay));
  const first = await ledger.submit(buildEnvelopeV2(records, ledger.domain, wallet));
  t.equal(first.status, 201, "accepted out of band (the agent never saw this receipt)");
  sender.start();
  await waitFor(() => spool.stats().pending === 0 || undefined, { what: "nothing pending" });
  await sender.stop();
  t.same(replays, [true], "the same envelope again: 200, taken as the receipt");
  t.equal(spool.stats().sent, 20);
  const rows = await ledgerRecords(ledger, device);
  t.equal(rows.length, 20, "ledger holds 1..20 once");
  t.same(chainBreaks(rows), [], "both chains unbroken");
  spool.close();
});

t.test("409 overlap: resync on the expected seq, send only what the ledger lacks", async (t) => {
  const { wallet, device, spool, records, sender } = await setup("resync", 50);
  // the ledger got 1..7 in an envelope the agent never had a receipt for (another grouping)
  t.equal((await ledger.submit(buildEnvelopeV2(records.slice(0, 7), ledger.domain, wallet))).status, 201);
  sender.start();
  await waitFor(() => spool.stats().pending === 0 || undefined, { what: "nothing pending" });
  await sender.stop();
  const rows = await ledgerRecords(ledger, device);
  t.equal(rows.length, 50, "all 50 records at the ledger");
  t.same(chainBreaks(rows), [], "no gap, no duplicate, in the device chain and in each stream");
  t.same(new Set(rows.map((r) => (r.record as FullRecord).stream.name)), new Set(["B-201.DrumPressure", "P-101.Flow", "@events/P-101"]), "three streams interleaved");
  const split = (name: string) => rows.some((r) => r.seq <= 7 && (r.record as FullRecord).stream.name === name) && rows.some((r) => r.seq > 7 && (r.record as FullRecord).stream.name === name);
  t.ok(["B-201.DrumPressure", "P-101.Flow", "@events/P-101"].every(split), "each stream continues across the cut: the resent envelopes extend the stream heads the lost-receipt envelope left");
  const keys = sampleKeys(rows);
  t.equal(new Set(keys).size, keys.length, "no sample delivered twice");
  const envelopes = await ledger.ownerDb.query("SELECT first_seq, count FROM envelopes WHERE device = $1 ORDER BY first_seq", [Buffer.from(device.slice(2), "hex")]);
  t.same(envelopes.rows.map((e: { first_seq: string; count: number }) => [Number(e.first_seq), e.count]), [[1, 7], [8, 20], [28, 20], [48, 3]], "after the resync the agent sent 8.. onward");
  spool.close();
});

t.test("a device not enrolled yet: one alarm, records kept, delivered once it is registered", async (t) => {
  const alarms: DeliveryAlarm[] = [];
  const { device, spool, sender } = await setup("enroll", 30, undefined, { register: false, onAlarm: (a) => alarms.push(a) });
  sender.start();
  await waitFor(() => alarms.length > 0 || undefined, { what: "rejection alarm" });
  await new Promise((r) => setTimeout(r, 500));
  t.equal(alarms.length, 1, "retries do not repeat the alarm");
  t.match(alarms[0], { code: "ledger_rejected", message: /403 device_unknown/ });
  t.equal(spool.stats().pending, 30, "nothing leaves pending without a receipt");
  await ledger.chain.registerDevice(device);
  await waitFor(() => spool.stats().pending === 0 || undefined, { what: "delivery after enrollment" });
  await sender.stop();
  const rows = await ledgerRecords(ledger, device);
  t.equal(rows.length, 30, "all 30 delivered");
  t.same(chainBreaks(rows), [], "in one chain, each stream unbroken");
  spool.close();
});

t.test("an unenrolled device backs off while new records keep arriving, with one alarm until it is enrolled", async (t) => {
  // the agent kicks the sender on every OPC UA publish; a kick must not cut a backoff short
  const delays: number[] = [];
  const backoff = new Backoff(100, 400, () => 1);
  const next = backoff.next.bind(backoff);
  backoff.next = () => { const d = next(); delays.push(d); return d; };
  const attempts: number[] = [];
  const alarms: DeliveryAlarm[] = [];
  let recovered = 0;
  // fewer pending records than an envelope holds: each retry's envelope is larger (its seq range grows)
  const { device, spool, sender, nextSample } = await setup("backoff", 3, undefined, {
    register: false, backoff, onAlarm: (a) => alarms.push(a), onFailure: () => attempts.push(performance.now()), onRecovered: () => recovered++,
  });
  sender.start();
  let i = nextSample;
  const feeder = setInterval(() => { i = fill(spool, 1, i); sender.kick(); }, 10);
  await waitFor(() => attempts.length >= 4 || undefined, { what: "four rejected attempts" });
  clearInterval(feeder);
  const gaps = attempts.slice(1).map((at, k) => at - attempts[k]!);
  t.ok(gaps.every((gap, k) => gap >= delays[k]! - 5), `each retry waited its backoff (gaps ${gaps.map(Math.round)} ms, delays ${delays.slice(0, gaps.length)} ms)`);
  t.same(delays.slice(0, 4), [100, 200, 400, 400], "exponential up to maxBackoffMs");
  t.equal(alarms.length, 1, "one alarm, although the envelope's seq range grew with every attempt");
  t.match(alarms[0], { code: "ledger_rejected", key: "ledger_rejected:403:device_unknown" });
  await ledger.chain.registerDevice(device);
  await waitFor(() => spool.stats().pending === 0 || undefined, { what: "delivery after enrollment" });
  await sender.stop();
  t.equal(recovered, 1, "the alarm's condition is reported over once an envelope is accepted");
  const rows = await ledgerRecords(ledger, device);
  t.equal(rows.length, spool.head().lastSeq, "every record delivered");
  t.same(chainBreaks(rows), [], "all delivered in one chain, each stream unbroken");
  spool.close();
});
