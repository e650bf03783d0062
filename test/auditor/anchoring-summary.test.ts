// The report's anchoring summary: nearest-rank percentiles, per-record lag to the first covering checkpoint, gaps.
import t from "tap";
import { percentiles, summarizeAnchoring } from "../../auditor/audit/anchoring-summary.ts";

const cp = (index: number, treeSize: number, timestamp: number) => ({ index, treeSize, timestamp, root: "0x", blockNumber: index + 1 });

t.test("percentiles are nearest-rank", async (t) => {
  t.equal(percentiles([]), null);
  t.same(percentiles(Array.from({ length: 100 }, (_, i) => 100 - i)), { p50: 50, p90: 90, p99: 99, max: 100 });
  t.same(percentiles([7]), { p50: 7, p90: 7, p99: 7, max: 7 });
});

t.test("lag per record and per checkpoint, stalls as gaps, unanchored records left out", async (t) => {
  // Checkpoints every 5 s, then one 10 minutes late; leaves 0-1 in #0, 2-3 in #1, 4 in #2, 5 not anchored.
  const timeline = [cp(0, 2, 1000), cp(1, 4, 1005), cp(2, 5, 1605)];
  const received = [998, 999, 1001, 1004, 1006, 1606].map((s, index) => ({ index, receivedAt: s * 1000 }));
  const s = summarizeAnchoring(timeline, received);
  t.same(s.maxLagMs, [2000, 4000, 599_000], "the longest wait per checkpoint");
  t.same(s.lagMs, { p50: 2000, p90: 599_000, p99: 599_000, max: 599_000 }, "five anchored records: 2, 1, 4, 1, 599 s");
  t.same(s.gaps, [{ after: 1, before: 2, ms: 600_000 }]);
  t.equal(s.gapCount, 1);
  t.same(s.intervalMs, { p50: 5000, p90: 600_000, p99: 600_000, max: 600_000 });
});

t.test("no checkpoints: nothing to summarise", async (t) => {
  t.same(summarizeAnchoring([], [{ index: 0, receivedAt: 0 }]), { intervalMs: null, lagMs: null, maxLagMs: [], gaps: [], gapCount: 0 });
});
