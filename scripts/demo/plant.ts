// The plant side: the OPC UA simulator, a device keystore enrolled on-chain through the admin API, and the edge
// agent batching every simulator tag into series records (one per tag and window) plus OPC UA events.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "node:util";
import { setErrorLogger, setWarningLogger } from "node-opcua";
import { pino } from "pino";
import { startAgent, type AgentHandle } from "../../edge/agent.ts";
import { parseConfig } from "../../edge/config.ts";
import { createKeystore } from "../../edge/keys.ts";
import { startSimulator, type SimulatorHandle } from "../../edge/simulator/server.ts";
import { expect, principalWithKey } from "./api.ts";
import type { Cleanup } from "./cleanup.ts";
import type { DemoLedger } from "./ledger.ts";

export const SITE = "plant-1";
const PASSWORD_ENV = "DEMO_DEVICE_PASSWORD";
const API_KEY_ENV = "DEMO_AGENT_API_KEY";

export type Plant = {
  sim: SimulatorHandle; agent: AgentHandle; device: string; enrollTx: { txHash: string; blockNumber: number }; tags: number; logFile: string;
  /** every tag's series window, in seconds */
  windowSeconds: number;
  /** Stops the agent once (also registered with the cleanup). */
  stop(): Promise<void>;
};

export async function startSimulatorIn(dir: string, cleanup: Cleanup): Promise<SimulatorHandle> {
  // node-opcua prints its notices ("Creating default certificate …") on the console: keep them out of the story.
  const opcuaLog = join(dir, "opcua.log");
  const toFile = (...args: unknown[]) => appendFileSync(opcuaLog, format(...args) + "\n");
  setWarningLogger(toFile);
  setErrorLogger(toFile);
  return cleanup.track("OPC UA simulator", startSimulator({ port: 0, tickMs: 100, pkiDir: join(dir, "sim-pki"), alarmEverySeconds: 0 }), (sim) => sim.stop());
}

export async function enrollDevice(dir: string, ledger: DemoLedger): Promise<{ keystore: string; password: string; device: string; tx: { txHash: string; blockNumber: number } }> {
  const password = `demo-${Math.random().toString(36).slice(2)}-password`;
  const keystore = join(dir, "device.keystore.json");
  // scrypt N = 2^14 keeps the demo quick; `otledger edge keygen` defaults to 2^17.
  const device = await createKeystore(keystore, password, { scryptN: 1 << 14 });
  const enrolled = await expect(201, ledger.url, "POST", "/v1/admin/devices", ledger.adminKey, { address: device, site: SITE, label: "edge-01 boiler house" });
  if (!enrolled.registry.registered || enrolled.tx === null) throw new Error(`enrollment did not register ${device}: ${JSON.stringify(enrolled)}`);
  return { keystore, password, device, tx: enrolled.tx };
}

/** How the agent samples the simulator: 5 samples/s per tag, so a window of N seconds seals a series of about 5·N samples. */
export const SAMPLING_MS = 200;

/**
 * `windowSeconds` is the series window of every tag: the production default (60 s) would seal nothing during a
 * demo run, so the demo uses a few seconds and still shows many samples per record.
 */
export async function startPlantAgent(dir: string, ledger: DemoLedger, sim: SimulatorHandle, cleanup: Cleanup, windowSeconds: number): Promise<Plant> {
  const { keystore, password, device, tx } = await enrollDevice(dir, ledger);
  // The agent's own read key: a partner scoped to its device, used by its self-audit to fetch proof bundles.
  const selfKey = await principalWithKey(ledger.url, ledger.adminKey, "edge-01 self-audit", "partner");
  await expect(201, ledger.url, "POST", `/v1/admin/principals/${selfKey.id}/grants`, ledger.adminKey, { device });
  const config = parseConfig({
    opcua: {
      endpoint: sim.endpointUrl, publishingInterval: 250, events: [{}],
      window: { seconds: windowSeconds, maxSamples: 4096 },
      nodes: sim.tags.map((t) => ({ nodeId: `ns=1;s=${t.tag}`, tag: t.tag, samplingInterval: SAMPLING_MS })),
    },
    device: { keystore, passwordEnv: PASSWORD_ENV },
    ledger: { url: ledger.url, rpcUrl: ledger.rpcUrl, apiKey: { passwordEnv: API_KEY_ENV } },
    envelope: { maxRecords: 500, lingerMs: 500 },
    spool: { dir: join(dir, "spool") },
    selfAudit: { intervalMs: 1000, slaMs: 120_000 },
    control: { port: 0 },
  }, dir);
  const logFile = join(dir, "agent.log");
  const log = pino({ name: "otledger-edge", level: "info" }, pino.destination({ dest: logFile, sync: true }));
  let stopping: Promise<void> | undefined;
  const agent = await cleanup.track("edge agent", startAgent(config, { log, env: { [PASSWORD_ENV]: password, [API_KEY_ENV]: selfKey.key } }), (a) => (stopping ??= a.stop()));
  const stop = () => (stopping ??= agent.stop());
  return { sim, agent, device, enrollTx: tx, tags: sim.tags.length, logFile, windowSeconds, stop };
}

/** Records a maintenance job the way a technician does: `otledger edge event` posts it to the agent's control port. */
export async function recordMaintenance(agent: AgentHandle, body: { asset: string; workOrder: string; actor: string; text: string }): Promise<{ seq: number; hash: string }> {
  const res = await fetch(`${agent.control.url}/v1/events`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ type: "maintenance", ...body }),
  });
  const answer = (await res.json()) as { records?: { seq: number; hash: string }[]; message?: string };
  if (res.status !== 201 || !answer.records?.[0]) throw new Error(`the agent refused the maintenance event: ${res.status} ${JSON.stringify(answer)}`);
  return answer.records[0];
}
