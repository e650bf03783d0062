// Delivery against a real ledger when the ledger already holds some records (receipts lost in a crash):
// an exact replay (200) counts as success, and a 409 overlap resyncs on the expected seq.
import t from "tap";
import { Wallet } from "ethers";
import { buildEnvelope, RecordSchema } from "../../core/index.ts";
import { Backoff } from "../../edge/delivery/backoff.ts";
import { LedgerClient } from "../../edge/delivery/ledger-client.ts";
import { EnvelopeSender, type DeliveryAlarm } from "../../edge/delivery/sender.ts";
import { Spool, type RecordDraft } from "../../edge/spool/spool.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { tempDir, testLog } from "./helpers.ts";
import { chainBreaks, ledgerRecords } from "./ledger-helpers.ts";

const ledger = await startTestLedger();
t.teardown(async () => { await ledger.close(); await stopTestCluster(); });

const draft = (i: number): RecordDraft => ({
  kind: "reading", ts: new Date(1_800_000_000_000 + i * 1000).toISOString(),
  body: { tag: "B-201.DrumPressure", nodeId: "ns=1;s=B-201.DrumPressure", value: { t: "Double", v: 10 + i / 100 }, unit: "bar", status: 0, sourceTs: null, serverTs: null },
});

type SetupOptions = { register?: boolean; onAlarm?: (a: DeliveryAlarm) => void; backoff?: Backoff; onFailure?: () => void; onRecovered?: () => void };
async function setup(name: string, count: number, onDelivered?: (d: { replay: boolean }) => void, opts: SetupOptions = {}) {
  const wallet = Wallet.createRandom();
  const device = wallet.address.toLowerCase();
  if (opts.register !== false) await ledger.chain.registerDevice(device);
  const spool = new Spool(tempDir(name), { device, maxBytes: 1e9, whenFull: "keep-oldest" });
  spool.append(Array.from({ length: count }, (_, i) => draft(i)));
  const records = spool.pending(count).map((r) => RecordSchema.parse(JSON.parse(r.json)));
  const sender = new EnvelopeSender({
    spool, client: new LedgerClient(ledger.url, 5000), signer: wallet, device, domain: async () => ledger.domain,
    maxRecords: 20, lingerMs: 0, backoff: opts.backoff ?? new Backoff(20, 200), log: testLog, ...(onDelivered ? { onDelivered } : {}), ...(opts.onAlarm ? { onAlarm: opts.onAlarm } : {}),
    ...(opts.onFailure ? { onFailure: opts.onFailure } : {}), ...(opts.onRecovered ? { onRecovered: opts.onRecovered } : {}),
  });
  return { wallet, device, spool, records, sender };
}

t.test("a replay of an envelope the ledger already accepted is success", async (t) => {
  const replays: boolean[] = [];
  const { wallet, device, spool, records, sender } = await setup("replay", 20, (d) => replays.push(d.replay));
  const first = await ledger.submit(buildEnvelope(records, ledger.domain, wallet));
  t.equal(first.status, 201, "accepted out of band (the agent never saw this receipt)");
  sender.start();
  await waitFor(() => spool.stats().pending === 0 || undefined, { what: "nothing pending" });
  await sender.stop();
  t.same(replays, [true], "the same envelope again: 200, taken as the receipt");
  t.equal(spool.stats().sent, 20);
  t.same(chainBreaks(await ledgerRecords(ledger, device)), [], "ledger holds 1..20 once");
  spool.close();
});

t.test("409 overlap: resync on the expected seq, send only what the ledger lacks", async (t) => {
  const { wallet, device, spool, records, sender } = await setup("resync", 50);
  // the ledger got 1..7 in an envelope the agent never had a receipt for (another grouping)
  t.equal((await ledger.submit(buildEnvelope(records.slice(0, 7), ledger.domain, wallet))).status, 201);
  sender.start();
  await waitFor(() => spool.stats().pending === 0 || undefined, { what: "nothing pending" });
  await sender.stop();
  const rows = await ledgerRecords(ledger, device);
  t.equal(rows.length, 50, "all 50 records at the ledger");
  t.same(chainBreaks(rows), [], "no gap, no duplicate");
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
  t.same(chainBreaks(await ledgerRecords(ledger, device)), [], "all 30 delivered in one chain");
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
  const { device, spool, sender } = await setup("backoff", 3, undefined, {
    register: false, backoff, onAlarm: (a) => alarms.push(a), onFailure: () => attempts.push(performance.now()), onRecovered: () => recovered++,
  });
  sender.start();
  let i = 100;
  const feeder = setInterval(() => { spool.append([draft(i++)]); sender.kick(); }, 10);
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
  t.same(chainBreaks(await ledgerRecords(ledger, device)), [], "all delivered in one chain");
  spool.close();
});
