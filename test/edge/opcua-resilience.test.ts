// OPC UA side: a server restart is survived and recorded as outage events; secure endpoints and user auth work.
import t from "tap";
import { startAgent } from "../../edge/agent.ts";
import { startSimulator } from "../../edge/simulator/server.ts";
import { waitFor } from "../helpers/wait.ts";
import type { SeriesBody } from "../../core/index.ts";
import { edgeConfig, makeKeystore, spoolRecords, tempDir, testLog } from "./helpers.ts";
import { chainProblems, samplesOf } from "./v2-chains.ts";

const isValue = (r: { header: { kind: string } }) => r.header.kind === "series" || r.header.kind === "reading";
const textOf = (r: { personal?: { text: string } }) => r.personal?.text ?? "";

t.test("OPC UA server restart: the agent reconnects and records the outage", async (t) => {
  const dir = tempDir("restart");
  let sim = await startSimulator({ tickMs: 50 });
  const port = sim.port;
  const key = await makeKeystore(dir);
  const config = edgeConfig({ endpoint: sim.endpointUrl, dir, keystore: key.file, opcua: { window: { seconds: 0.5, maxSamples: 4096 } } });
  const agent = await startAgent(config, { log: testLog });
  t.teardown(async () => { await agent.stop(); await sim.stop(); });
  await agent.capture.ready;
  const records = () => spoolRecords(config.spool.dir).map((r) => r.record);
  await waitFor(() => records().filter(isValue).length > 10 || undefined, { what: "series before the restart" });

  await sim.stop();
  await waitFor(() => agent.capture.state === "reconnecting" || undefined, { what: "connection loss noticed" });
  sim = await startSimulator({ tickMs: 50, port });
  await waitFor(() => agent.capture.state === "connected" || undefined, { what: "reconnection", timeoutMs: 60_000 });
  const restoredSeq = await waitFor(() => records().find((r) => r.header.kind === "event" && /re-established/.test(textOf(r)))?.header.seq, { what: "outage end event" });
  await waitFor(() => records().some((r) => isValue(r) && r.header.seq > restoredSeq && r.stream.name === "P-101.Flow") || undefined, { what: "series after the restart" });

  const all = records();
  const outages = all.filter((r) => r.header.kind === "event" && (r.body as { type: string }).type === "outage");
  t.equal(outages.length, 2, "one outage event at loss, one at recovery");
  t.match(textOf(outages[0]!), /lost/);
  t.match(textOf(outages[1]!), /re-established after [\d.]+ s \(lost at /);
  t.equal(outages[0]!.stream.name, "@events", "outages have no asset");
  t.ok(all.some((r) => isValue(r) && r.header.seq > restoredSeq && r.stream.name === "P-101.Flow"), "monitoring resumed on the new server");
  const keys = all.filter(isValue).flatMap((r) => samplesOf(r).map((s) => `${r.stream.name}|${s.t}|${JSON.stringify(s.value)}`));
  t.equal(new Set(keys).size, keys.length, "no sample recorded twice");
  t.same(chainProblems(all), [], "one unbroken device chain and whole stream chains across the outage");
});

for (const securityMode of ["Sign", "SignAndEncrypt"] as const) {
  t.test(`Basic256Sha256 ${securityMode} with user/password`, async (t) => {
    const dir = tempDir("secure");
    const sim = await startSimulator({ tickMs: 50, allowAnonymous: false, users: [{ username: "historian", password: "s3cret-pass" }] });
    process.env.OTLEDGER_TEST_OPCUA_PW = "s3cret-pass";
    const key = await makeKeystore(dir);
    const config = edgeConfig({
      endpoint: sim.endpointUrl, dir, keystore: key.file,
      // the simulator's certificate is pinned: an unknown one is refused (opcua-trust.test.ts)
      opcua: { window: { seconds: 0.5, maxSamples: 4096 }, securityMode, securityPolicy: "Basic256Sha256", credentials: { username: "historian", passwordEnv: "OTLEDGER_TEST_OPCUA_PW" }, serverTrust: { pinnedThumbprints: [sim.certificateThumbprint] } },
    });
    const agent = await startAgent(config, { log: testLog });
    t.teardown(async () => { await agent.stop(); await sim.stop(); });
    await agent.capture.ready;
    const reading = await waitFor(() => spoolRecords(config.spool.dir).map((r) => r.record).find((r) => isValue(r) && r.stream.name === "B-201.DrumPressure"), { what: "a series over the secure channel" });
    t.equal((reading.body as SeriesBody).unit, "bar");
    t.same(agent.capture.channelSecurity(), { securityMode, securityPolicy: "Basic256Sha256" }, "the channel really is secured");
  });
}

t.test("a wrong OPC UA password is reported and retried, not fatal", async (t) => {
  const dir = tempDir("badauth");
  const sim = await startSimulator({ tickMs: 50, allowAnonymous: false, users: [{ username: "historian", password: "right-password" }] });
  process.env.OTLEDGER_TEST_OPCUA_BAD = "wrong-password";
  const key = await makeKeystore(dir);
  const warnings: string[] = [];
  const log = { info() {}, error() {}, warn: (o: object, m?: string) => { warnings.push(`${m} ${JSON.stringify(o)}`); } };
  const config = edgeConfig({ endpoint: sim.endpointUrl, dir, keystore: key.file, opcua: { credentials: { username: "historian", passwordEnv: "OTLEDGER_TEST_OPCUA_BAD" } } });
  const agent = await startAgent(config, { log });
  t.teardown(async () => { await agent.stop(); await sim.stop(); });
  await waitFor(() => warnings.filter((w) => /could not be opened/.test(w)).length >= 2 || undefined, { what: "two reported attempts" });
  t.equal(agent.capture.state, "connecting", "still trying");
  t.match(warnings.find((w) => /could not be opened/.test(w)), /BadUserAccessDenied|access denied|User/i, "the reason is reported");
});
