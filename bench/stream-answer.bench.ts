// Stream answers (PROTOCOL §11.2): proof size and verify time for a one-hour and a one-day window of one tag at
// 1 Hz (3,600 and 86,400 samples in 60-sample series records: 60 and 1,440 records).
//   node_modules/node/bin/node --experimental-strip-types bench/stream-answer.bench.ts [--rounds=150] [--filler=700] [--scale=10] [--runs=7]
// Method: a real ledger (embedded PostgreSQL 18, anvil with LedgerAnchor, the service). One device with 5 tags
// sends, per round, one signed envelope of 10 minutes (for each minute one 60-sample series per tag, tags
// interleaved, as the edge agent sends them) through the service's ingest; between its envelopes, --filler
// synthetic leaves of other devices (bulk SQL, test/api/bulk.ts) are appended to the log. --rounds rounds make
// 25 h of the measured tag, so both windows have a boundary stub on each side. Once a checkpoint anchors the
// whole log, buildStreamAnswer (the service's code) answers each window and core's verifyStreamAnswer checks it
// against facts read once from LedgerAnchor. Then a second ledger, built the same way with --scale× the filler
// (the same device data), answers the same windows: the proof must grow by about log2(scale) hashes per
// isolated record, not by scale×. Reported per window: the answer's JSON bytes, the proof's JSON bytes and hash
// count, bytes per sample, the spec's bound k·⌈log2 n⌉, and verifyStreamAnswer's time (median, min, max over
// --runs runs after one warm-up; performance.now, single-threaded) with buildStreamAnswer's time as a side figure.
import { connectLedgerAnchor } from "../sdk/ledger-anchor.ts";
import { readSubjectFacts } from "../sdk/chain-facts.ts";
import { streamChainFactsQuery, verifyStreamAnswer, type FullRecord, type StreamAnswer } from "../core/index.ts";
import type { ChainConnection } from "../server/chain/connection.ts";
import { buildStreamAnswer } from "../server/api/stream-answer.ts";
import { insertBulkRecords } from "../test/api/bulk.ts";
import { startApiLedger } from "../test/api/harness.ts";
import { BASE_TIME, TestDeviceV2 } from "../test/helpers/envelopes.ts";
import { stopTestCluster } from "../test/helpers/postgres.ts";
import { Wallet } from "ethers";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const ROUNDS = arg("rounds", 150), FILLER = arg("filler", 700), SCALE = arg("scale", 10), RUNS = arg("runs", 7);
const TAGS = ["TT-101.PV", "PT-7.PV", "FT-3.PV", "LT-12.PV", "TT-102.PV"], MEASURED = TAGS[0]!;
const MINUTES_PER_ROUND = 10;
const log = (msg: string) => process.stderr.write(`[stream-answer.bench] ${msg}\n`);
const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000, HOUR = 60 * MIN;
// Windows on whole minutes (a series spans [m:00, m:59]): the hour from 12 h into the data, the day from 30 min in.
const WINDOWS = [
  { name: "hour", from: BASE_TIME + 12 * HOUR, to: BASE_TIME + 13 * HOUR, records: 60, samples: 3_600 },
  { name: "day", from: BASE_TIME + 30 * MIN, to: BASE_TIME + 30 * MIN + 24 * HOUR, records: 1_440, samples: 86_400 },
];

const stats = (xs: number[], digits = 2) => {
  const s = [...xs].sort((a, b) => a - b), r = (x: number) => Number(x.toFixed(digits));
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median: r(median), min: r(s[0]!), max: r(s.at(-1)!), runs: xs.length };
};
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

// The device's data, sealed once: both ledgers hold the same records (each signs its envelopes for its own chain).
const device = new TestDeviceV2();
const rounds: FullRecord[][] = Array.from({ length: ROUNDS }, () => {
  const records: FullRecord[] = [];
  for (let m = 0; m < MINUTES_PER_ROUND; m++) for (const tag of TAGS) records.push(...device.records(1, { stream: tag }));
  return records;
});

async function measureLedger(filler: number) {
  const api = await startApiLedger({ config: { CHECKPOINT_INTERVAL_MS: 1000, CHECKPOINT_MAX_LEAVES: 10_000, ANCHOR_TX_TIMEOUT_MS: 60_000 } });
  try {
    const t0 = performance.now();
    await api.chain.registerDevice(device.address);
    let leaves = 0;
    for (const records of rounds) {
      const res = await api.submit(device.sign(api.domain, records));
      if (res.status >= 300) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
      leaves += records.length;
      if (filler > 0) {
        await insertBulkRecords(api.ownerDb, { devices: [0, 1, 2, 3].map(() => Wallet.createRandom().address.toLowerCase()), count: filler, padding: 100 });
        leaves += filler;
      }
    }
    log(`filler ${filler}/round: ${leaves} leaves written in ${Math.round(performance.now() - t0)} ms`);
    const anchored = await api.waitAnchored(leaves, 600_000);
    log(`anchored at checkpoint ${anchored.index}, tree size ${anchored.treeSize}, after ${Math.round(performance.now() - t0)} ms`);
    const chain = { chainId: Number(api.domain.chainId), contractAddress: api.domain.verifyingContract } as unknown as ChainConnection;
    const reader = await connectLedgerAnchor(api.chain.rpcUrl, api.chain.contract);
    const windows = [];
    try {
      for (const w of WINDOWS) {
        const q = { device: device.address, name: MEASURED, from: iso(w.from), to: iso(w.to), limit: 4096 };
        const buildMs: number[] = [];
        let answer: StreamAnswer | undefined;
        for (let i = 0; i < 3; i++) {
          const b0 = performance.now();
          answer = await buildStreamAnswer(api.ownerDb, chain, q) as StreamAnswer;
          buildMs.push(performance.now() - b0);
        }
        const a = answer!;
        if (a.records.length !== w.records || a.before === null || a.after === null) throw new Error(`${w.name}: ${a.records.length} records, boundaries ${a.before !== null}/${a.after !== null}`);
        const facts = await readSubjectFacts(reader, streamChainFactsQuery(a));
        const first = verifyStreamAnswer(a, facts); // warm-up, and the answer must be valid
        if (!first.ok) throw new Error(`${w.name}: invalid: ${JSON.stringify(first.checks.filter((c) => !c.ok))}`);
        const verifyMs: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const v0 = performance.now();
          verifyStreamAnswer(a, facts);
          verifyMs.push(performance.now() - v0);
        }
        const entries = a.records.length + 2, answerBytes = bytes(a), proofBytes = bytes(a.proof);
        const bound = entries * Math.ceil(Math.log2(a.anchor.treeSize));
        windows.push({
          window: w.name, from: q.from, to: q.to, records: a.records.length, samples: w.samples, treeSize: a.anchor.treeSize,
          answerBytes, proofBytes, proofHashes: a.proof.length, proofHashesPerEntry: Number((a.proof.length / entries).toFixed(2)), specBoundHashes: bound,
          answerBytesPerSample: Number((answerBytes / w.samples).toFixed(1)), proofBytesPerSample: Number((proofBytes / w.samples).toFixed(2)),
          verifyMs: stats(verifyMs), buildMs: stats(buildMs, 1),
        });
        log(`${w.name} @ ${a.anchor.treeSize} leaves: ${answerBytes} B, proof ${a.proof.length} hashes (${proofBytes} B), verify median ${stats(verifyMs).median} ms`);
      }
    } finally {
      reader.close();
    }
    return { fillerPerRound: filler, leaves: anchored.treeSize, deviceRecords: ROUNDS * MINUTES_PER_ROUND * TAGS.length, windows };
  } finally {
    await api.close();
  }
}

try {
  const base = await measureLedger(FILLER);
  const scaled = await measureLedger(FILLER * SCALE);
  const growth = base.windows.map((b, i) => {
    const s = scaled.windows[i]!;
    return {
      window: b.window, leavesRatio: Number((s.treeSize / b.treeSize).toFixed(2)), proofHashesRatio: Number((s.proofHashes / b.proofHashes).toFixed(3)),
      extraHashesPerEntry: Number(((s.proofHashes - b.proofHashes) / (b.records + 2)).toFixed(2)), log2OfLeavesRatio: Number(Math.log2(s.treeSize / b.treeSize).toFixed(2)),
      answerBytesRatio: Number((s.answerBytes / b.answerBytes).toFixed(3)),
    };
  });
  for (const g of growth) log(`${g.window}: ${g.leavesRatio}× leaves → ${g.proofHashesRatio}× proof hashes (+${g.extraHashesPerEntry} per entry; log2 ${g.log2OfLeavesRatio})`);
  console.log(JSON.stringify({
    bench: "stream-answer", tags: TAGS.length, measuredTag: MEASURED, samplesPerSeries: 60, rounds: ROUNDS, runs: RUNS, scale: SCALE, base, scaled, growth,
  }));
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await stopTestCluster();
}
