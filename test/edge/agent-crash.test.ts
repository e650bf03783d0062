// SIGKILL of the agent process mid-window: no captured sample is lost, and the restarted agent seals what was
// captured before anything else and continues the device chain and the stream chain with no gap. The simulator's
// model is frozen; the test writes each sample with its own source timestamp, 1 s apart.
import { spawn } from "node:child_process";
import { join } from "node:path";
import t from "tap";
import { StatusCodes } from "node-opcua";
import { recordHash } from "../../core/index.ts";
import { startAgent } from "../../edge/agent.ts";
import { startSimulator } from "../../edge/simulator/server.ts";
import { waitFor } from "../helpers/wait.ts";
import { edgeConfig, makeKeystore, openSamples, spoolRecords, tempDir, testLog, writeConfigFile } from "./helpers.ts";
import { chainProblems, samplesOf } from "./v2-chains.ts";

const TAG = "P-101.Flow";
const dir = tempDir("crash");
const sim = await startSimulator({ tickMs: 1_000_000_000 });
t.teardown(() => sim.stop());
const key = await makeKeystore(dir);
const config = edgeConfig({
  endpoint: sim.endpointUrl, dir, keystore: key.file,
  opcua: { nodes: [{ nodeId: `ns=1;s=${TAG}`, tag: TAG, samplingInterval: 0, queueSize: 1000, window: { maxSamples: 8 } }], events: [] },
});
const file = writeConfigFile(dir, config);

const records = () => spoolRecords(config.spool.dir).map((r) => r.record);
const open = () => openSamples(config.spool.dir).get(TAG) ?? [];
const captured = () => open().length + records().filter((r) => r.stream.name === TAG).reduce((n, r) => n + samplesOf(r).length, 0);
/** Writes samples i = from..from+count-1 at t0 + i s, each once the agent captured the previous one. */
async function feed(t0: number, from: number, count: number) {
  for (let i = from; i < from + count; i++) {
    const before = captured();
    sim.writeTag(TAG, 5 + i / 2, StatusCodes.Good, new Date(t0 + i * 1000));
    await waitFor(() => captured() > before, { what: `sample ${i}`, intervalMs: 10 });
  }
}

t.test("SIGKILL mid-window loses no captured sample; the restart seals them and continues both chains", async (t) => {
  const child = spawn(process.execPath, ["--experimental-strip-types", "--no-warnings", join(import.meta.dirname, "fixtures/otledger.ts"), "edge", "run", "--config", file], { stdio: ["ignore", "pipe", "pipe"] });
  let exited = false;
  child.once("exit", () => { exited = true; });
  t.teardown(() => { if (!exited) child.kill("SIGKILL"); });
  const t0 = (await waitFor(() => open()[0], { what: "the agent's first sample", timeoutMs: 60_000 })).t;
  await feed(t0, 1, 20);
  const sealedBefore = records();
  const heldAtKill = open();
  t.same(sealedBefore.map((r) => samplesOf(r).length), [8, 8], "16 samples sealed into two series before the kill");
  t.equal(heldAtKill.length, 5, "5 captured samples wait in the open window");

  child.kill("SIGKILL");
  await waitFor(() => exited, { what: "the agent to die" });
  t.same(open(), heldAtKill, "after the kill the open window still holds every captured sample");

  const agent = await startAgent(config, { log: testLog });
  let running = true;
  t.teardown(() => (running ? agent.stop() : undefined));
  const afterStart = records();
  t.equal(afterStart.length, 3, "the restart sealed the window the kill left open, before capturing");
  const recovered = afterStart[2]!;
  t.same(samplesOf(recovered).map((s) => ({ t: s.t, v: s.value.v })), heldAtKill.map((s) => ({ t: s.t, v: (s.value as { v: number }).v })), "exactly the samples captured before the kill");
  t.match(recovered.header, { seq: 3, prev: recordHash(sealedBefore[1]!.header), streamSeq: 3, streamPrev: recordHash(sealedBefore[1]!.header) }, "both chains continue at the kill point");
  t.equal(recovered.stream.salt, sealedBefore[0]!.stream.salt, "same stream: its salt came from the spool");

  await agent.capture.ready;
  await feed(t0, 21, 4);
  running = false;
  await agent.stop();
  const all = records();
  const values = all.flatMap((r) => samplesOf(r).map((s) => s.t));
  t.same(values, Array.from({ length: 25 }, (_, i) => t0 + i * 1000), "samples 0..24 each exactly once: the value redelivered at resubscription is not a second sample");
  t.same(all.map((r) => r.header.streamSeq), [1, 2, 3, 4]);
  t.same(chainProblems(all), [], "device chain and stream chain without a gap across the kill");
});
