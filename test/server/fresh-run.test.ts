// FreshRun (server/chain/fresh-run.ts), which shares chain head reads among waiting envelopes: every caller gets a
// run that began after its call, concurrent callers share runs, and one run at a time.
import t from "tap";
import { FreshRun } from "../../server/chain/fresh-run.ts";

t.test("callers share runs, but never one begun before they called", async (t) => {
  let started = 0;
  let active = 0;
  let maxActive = 0;
  const gates: (() => void)[] = [];
  const run = new FreshRun(async () => {
    const n = ++started;
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise<void>((resolve) => gates.push(resolve));
    active--;
    return n;
  });
  const first = run.run();
  await Promise.resolve();
  const second = [run.run(), run.run(), run.run()]; // arrive while run 1 is in flight
  await new Promise((r) => setImmediate(r));
  t.equal(started, 1, "the next run waits for the one in flight");
  gates.shift()!();
  t.equal(await first, 1);
  await new Promise((r) => setImmediate(r));
  t.equal(started, 2, "one queued run for all who arrived meanwhile");
  const third = run.run(); // arrives while run 2 is in flight
  gates.shift()!();
  t.same(await Promise.all(second), [2, 2, 2], "they get the run begun after their call");
  await new Promise((r) => setImmediate(r));
  gates.shift()!();
  t.equal(await third, 3);
  t.equal(maxActive, 1, "never two runs at once");
});

t.test("a failed run rejects its callers and does not block the next", async (t) => {
  let fail = true;
  const run = new FreshRun(async () => { if (fail) throw new Error("chain down"); return "ok"; });
  await t.rejects(run.run(), /chain down/);
  fail = false;
  t.equal(await run.run(), "ok");
});
