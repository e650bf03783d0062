// OPC UA server certificates: an unknown one is refused (filed in rejected/, one alarm naming the endpoint and
// thumbprint, no session, so no password and no readings); once the operator trusts it the agent connects; a
// different certificate answering at the same endpoint is refused again.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { startAgent } from "../../edge/agent.ts";
import { listServerCertificates } from "../../edge/capture/server-trust.ts";
import { freePort, startSimulator } from "../../edge/simulator/server.ts";
import { waitFor } from "../helpers/wait.ts";
import { edgeConfig, makeKeystore, openSamples, runCli, spoolRecords, tempDir, testLog, writeConfigFile } from "./helpers.ts";

process.env.OTLEDGER_TEST_OPCUA_PW = "s3cret-pass";
const users = [{ username: "historian", password: "s3cret-pass" }];

for (const securityMode of ["Sign", "SignAndEncrypt"] as const) {
  t.test(`Basic256Sha256 ${securityMode}: refused until trusted, refused again for another certificate`, async (t) => {
    const dir = tempDir(`trust-${securityMode}`);
    const port = await freePort();
    let sim = await startSimulator({ tickMs: 50, port, allowAnonymous: false, users, pkiDir: join(dir, "sim-pki-1") });
    const key = await makeKeystore(dir);
    const config = edgeConfig({
      endpoint: sim.endpointUrl, dir, keystore: key.file,
      opcua: { securityMode, securityPolicy: "Basic256Sha256", credentials: { username: "historian", passwordEnv: "OTLEDGER_TEST_OPCUA_PW" } },
    });
    const pkiDir = config.opcua.pkiDir!;
    const agent = await startAgent(config, { log: testLog });
    t.teardown(async () => { console.error("DBG stop agent"); await agent.stop(); console.error("DBG stop sim"); await sim.stop(); console.error("DBG done"); });
    const untrusted = () => agent.status().alarms.filter((a) => a.code === "opcua_server_untrusted");
    const readings = () => (spoolRecords(config.spool.dir).filter((r) => r.record.header.kind !== "event").length + [...openSamples(config.spool.dir).values()].reduce((n, s) => n + s.length, 0));

    const first = await waitFor(() => untrusted()[0], { what: "untrusted-certificate alarm" });
    t.match(first.message, sim.endpointUrl, "the alarm names the endpoint");
    t.match(first.message, sim.certificateThumbprint, "and the thumbprint");
    t.same(listServerCertificates(pkiDir).rejected.map((c) => c.thumbprint), [sim.certificateThumbprint], "the certificate lands in rejected/");
    t.same(listServerCertificates(pkiDir).trusted, [], "and not in trusted/");
    await waitFor(() => agent.capture.state === "connecting" && untrusted()[0] === first || undefined, { what: "retries" });
    await new Promise((r) => setTimeout(r, 1500)); // a few more refused attempts (reconnect backoff tops out at 1 s)
    t.equal(untrusted().length, 1, "one alarm, not one per attempt");
    t.equal(agent.capture.state, "connecting", "no session with an untrusted server");
    t.equal(readings(), 0, "no reading from an untrusted server");

    const file = writeConfigFile(dir, config);
    const trusted = await runCli(["edge", "trust", sim.certificateThumbprint, "--config", file]);
    t.equal(trusted.code, 0, trusted.stderr);
    t.match(trusted.stdout, `trusted ${sim.certificateThumbprint}`);
    await waitFor(() => agent.capture.state === "connected" || undefined, { what: "connection once trusted" });
    await waitFor(() => readings() > 0 || undefined, { what: "readings once trusted" });
    t.same(agent.capture.channelSecurity(), { securityMode, securityPolicy: "Basic256Sha256" });
    t.same(untrusted(), [], "the alarm is over once the server is trusted");

    // an impostor (another certificate) at the same address
    await sim.stop();
    sim = await startSimulator({ tickMs: 50, port, allowAnonymous: false, users, pkiDir: join(dir, "sim-pki-2") });
    const impostor = await waitFor(() => untrusted()[0], { what: "alarm for the other certificate", timeoutMs: 60_000 });
    t.match(impostor.message, sim.certificateThumbprint, "names the new thumbprint");
    t.not(sim.certificateThumbprint, first.message.match(/[0-9a-f]{40}/)?.[0], "it is another certificate");
    t.ok(listServerCertificates(pkiDir).rejected.some((c) => c.thumbprint === sim.certificateThumbprint), "filed in rejected/");
    t.not(agent.capture.state, "connected", "not connected to the impostor");
  });
}

t.test("a pinned thumbprint is trusted without a trust step; acceptUnknown is off by default", async (t) => {
  const dir = tempDir("pinned");
  const sim = await startSimulator({ tickMs: 50, allowAnonymous: false, users, pkiDir: join(dir, "sim-pki") });
  const key = await makeKeystore(dir);
  const colons = sim.certificateThumbprint.toUpperCase().match(/../g)!.join(":");
  const config = edgeConfig({
    endpoint: sim.endpointUrl, dir, keystore: key.file,
    opcua: { securityMode: "SignAndEncrypt", securityPolicy: "Basic256Sha256", credentials: { username: "historian", passwordEnv: "OTLEDGER_TEST_OPCUA_PW" }, serverTrust: { pinnedThumbprints: [colons] } },
  });
  t.equal(config.opcua.serverTrust.acceptUnknown, false);
  const agent = await startAgent(config, { log: testLog });
  t.teardown(async () => { await agent.stop(); await sim.stop(); });
  await agent.capture.ready;
  t.same(agent.status().alarms, []);
  t.same(listServerCertificates(config.opcua.pkiDir!).trusted.map((c) => c.thumbprint), [sim.certificateThumbprint], "the pinned certificate is in trusted/");
  t.ok(!existsSync(join(config.opcua.pkiDir!, "rejected")) || readdirSync(join(config.opcua.pkiDir!, "rejected")).length === 0, "nothing refused");
});
