// The demo's story, step by step. Each step prints what happened and records its checks on the Story.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { connectLedgerAnchor } from "../../sdk/ledger-anchor.ts";
import { expect, principalWithKey } from "./api.ts";
import { fullAudit, verifyFile } from "./auditor.ts";
import { anchorFigures, anchoring, gasSummary, waitAnchoredNow, waitFullyAnchored } from "./chain.ts";
import type { Cleanup } from "./cleanup.ts";
import { startLedger } from "./ledger.ts";
import { partnerStep } from "./partner.ts";
import { recordMaintenance, SAMPLING_MS, SITE, startPlantAgent, startSimulatorIn } from "./plant.ts";
import { allRecords, eventBody, stubFigure, streamOf } from "./records.ts";
import { seriesStep } from "./series.ts";
import { int, short, type Story } from "./story.ts";
import { tamperProofBundle, tamperRegulatorBundle } from "./tamper.ts";

export type DemoDirs = { ledger: string; edge: string; artifacts: string };
export type DemoOptions = { streamSeconds: number; dirs: DemoDirs; reportFile: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export async function runDemo(story: Story, o: DemoOptions, cleanup: Cleanup): Promise<void> {
  const windowStart = new Date();
  story.step(1, "Plant, ledger and chain start; the edge device is enrolled and streams");
  // The plant and the ledger start side by side (startup is mostly waiting on initdb, anvil and certificates).
  const [ledger, sim] = await Promise.all([startLedger(o.dirs.ledger, cleanup), startSimulatorIn(o.dirs.edge, cleanup)]);
  story.line("PostgreSQL 18 (embedded)", `${o.dirs.ledger}/postgres`);
  story.line(`anvil chain ${ledger.chainId}`, `${ledger.rpcUrl}  LedgerAnchor ${ledger.contract}`);
  story.line("ledger service + partner API", `${ledger.url}  (log ${ledger.logFile})`);
  story.line("OPC UA plant simulator", `${sim.endpointUrl}  (${sim.tags.length} tags: pumps, boiler, compressor)`);
  // Series windows of a quarter of the stream (2–5 s): every tag seals a few series records during the run.
  const windowSeconds = Math.min(5, Math.max(2, Math.floor(o.streamSeconds / 4)));
  const plant = await startPlantAgent(o.dirs.edge, ledger, sim, cleanup, windowSeconds);
  const reader = await connectLedgerAnchor(ledger.rpcUrl, ledger.contract, { expectedChainId: ledger.chainId });
  const onChain = await reader.deviceStatus(plant.device).finally(() => reader.close());
  story.check("device key created and enrolled on-chain", onChain.registered && !onChain.revoked,
    `LedgerAnchor.deviceStatus(${plant.device}): registered by the registrar in tx ${short(plant.enrollTx.txHash)} (block ${plant.enrollTx.blockNumber})`);
  const { agent } = plant;
  await Promise.race([agent.capture.ready, sleep(20_000).then(() => { throw new Error("the agent did not connect to the OPC UA simulator within 20 s"); })]);
  story.line(`edge agent streaming ${plant.tags} tags for ${o.streamSeconds} s`, `(control ${agent.control.url}, log ${plant.logFile})`);
  story.line(`series windows of ${windowSeconds} s per tag`, `sampled every ${SAMPLING_MS} ms: about ${Math.round((windowSeconds * 1000) / SAMPLING_MS)} samples per series record`);

  const streamMs = o.streamSeconds * 1000;
  const started = Date.now();
  let maintenance: { seq: number; hash: string } | undefined;
  let nextReport = started + 5000;
  story.step(2, "A maintenance job is recorded while the plant runs");
  while (Date.now() - started < streamMs) {
    const t = Date.now() - started;
    if (maintenance === undefined && t >= streamMs * 0.4) {
      maintenance = await recordMaintenance(agent, { asset: "P-101", workOrder: "WO-1042", actor: "j.doe", text: "replaced mechanical seal, vibration back to normal" });
      story.line(`t+${(t / 1000).toFixed(0)} s technician → agent`, `maintenance P-101 WO-1042: seq ${maintenance.seq} ${short(maintenance.hash)}`);
      sim.raiseMaintenance({ asset: "P-102", workOrder: "WO-1043", technician: "a.kim", text: "impeller inspected" });
      story.line(`t+${(t / 1000).toFixed(0)} s PLC raises OPC UA event`, "maintenance P-102 WO-1043 (captured by the agent's event subscription)");
    }
    if (Date.now() >= nextReport) {
      const s = agent.spool.stats();
      const a = await anchoring(ledger);
      story.line(`t+${((Date.now() - started) / 1000).toFixed(0)} s`, `${int(s.lastSeq)} records signed, ${int(agent.sender.lastSentSeq)} acknowledged, ${a.anchoredCheckpoints} checkpoints anchored`);
      nextReport += 5000;
    }
    await sleep(Math.min(250, Math.max(0, streamMs - (Date.now() - started))));
  }
  if (maintenance === undefined) throw new Error("the stream ended before the maintenance event was recorded");
  await agent.capture.stop();
  // No new samples now; the agent's own timer seals each tag's open window when its time is up.
  await waitFor("the agent to seal its open series windows", windowSeconds * 1000 + 10_000, () => (agent.spool.stats().openWindows === 0 ? true : undefined));
  const spool = agent.spool.stats();
  story.check("every captured sample was sealed into a record", spool.openWindows === 0 && spool.openSamples === 0,
    `${int((await agent.metrics.samples.get()).values.reduce((n, v) => n + v.value, 0))} samples captured, 0 left in open windows`);
  const lastSeq = agent.spool.head().lastSeq;
  await waitFor("the agent to deliver every record", 20_000, () => (agent.spool.stats().pending === 0 && agent.sender.lastSentSeq >= lastSeq ? true : undefined));
  story.check("every record signed by the agent was acknowledged", agent.sender.lastSentSeq === lastSeq, `seq 1..${lastSeq} delivered`);
  const anchoredNow = await waitAnchoredNow(ledger);
  story.check("the log is anchored on-chain", anchoredNow.anchoredSize >= anchoredNow.target, `log size ${int(anchoredNow.target)} covered: tree size ${int(anchoredNow.anchoredSize)} in checkpoint ${anchoredNow.anchoredCheckpoints - 1}`);
  const status = agent.status();
  story.check("edge self-audit raised no alarm", status.alarms.length === 0,
    `${int(status.selfAudit.verified)} records already verified against LedgerAnchor by the agent itself${status.alarms.length ? `; alarms: ${status.alarms.map((a) => a.code).join(", ")}` : ""}`);
  const envelopes = (await agent.metrics.envelopes.get()).values.reduce((n, v) => n + v.value, 0);
  await plant.stop();

  const auditor = await principalWithKey(ledger.url, ledger.adminKey, "regulator-audit", "auditor");
  const events = await allRecords(ledger, auditor.key, `device=${plant.device}&eventType=maintenance`);
  const assets = events.map((i) => eventBody(i).asset);
  story.check("both maintenance events are in the ledger, each in its asset's stream",
    assets.includes("P-101") && assets.includes("P-102") && events.every((i) => streamOf(i) === `@events/${eventBody(i).asset}`),
    events.map((i) => `seq ${i.record.header.seq} ${streamOf(i)} ${eventBody(i).workOrder}`).join(", "));

  story.step(3, "The ledger holds series: one record per tag and window, read back sample by sample");
  const series = await seriesStep(story, ledger, auditor.key, plant.device);
  const stub = stubFigure(series.sample.record);
  story.check("a stub (header only) keeps the record hash", stub.sameHash && stub.stubBytes < stub.fullBytes,
    `series ${short(series.sample.hash)}: ${int(stub.stubBytes)} bytes instead of ${int(stub.fullBytes)}, no tag, unit or values`);

  story.step(4, "A partner queries with a scoped key");
  const partner = await partnerStep(story, ledger, maintenance, series.sample.hash, windowStart);

  story.step(5, "The auditor verifies the proof bundle and audits the whole ledger, trusting only the chain");
  let verified = "not run";
  const proofFile = join(o.dirs.artifacts, "proof-bundle.json");
  if (partner.bundle !== null) {
    await writeFile(proofFile, JSON.stringify(partner.bundle, null, 2));
    story.line(`otledger verify ${proofFile}`);
    const v = await verifyFile(story, proofFile, ledger.rpcUrl);
    verified = v.ok ? `✓ valid (${v.checks} checks)` : `✗ invalid: ${v.codes.join(", ")}`;
    story.check("proof bundle verifies against LedgerAnchor", v.ok, verified);
  }
  await waitFullyAnchored(ledger);
  story.line(`otledger audit --api ${ledger.url} --html ${o.reportFile}`);
  const report = await fullAudit(story, ledger, auditor.key, o.reportFile);
  story.check("full audit is clean", report.verdict === "clean", `${int(report.stats.records)} records, ${int(report.stats.signaturesVerified)} signatures, ${report.stats.checkpointsChecked} checkpoint roots rebuilt`);
  story.line("HTML report", o.reportFile);

  story.step(6, "Tampering is detected (scratch copies only; the live ledger is untouched)");
  const bundleCodes = partner.bundle === null ? [] : await tamperProofBundle(story, proofFile, o.dirs.artifacts, ledger.rpcUrl);
  const auditCodes = await tamperRegulatorBundle(story, ledger, auditor.key, o.dirs.artifacts, series.sample.hash);

  const chain = await anchorFigures(ledger);
  const device = report.devices.find((d) => d.address === plant.device);
  story.figure("records delivered by the agent", `${int(lastSeq)} (seq 1..${lastSeq}, ${int(device?.records ?? 0)} in the audited export)`);
  story.figure("envelopes", `${int(envelopes)} from the agent; ${int(report.stats.envelopes)} in the ledger incl. the access log`);
  const f = series.figures;
  story.figure("samples per series record", `median ${f.perSeries.median} (min ${f.perSeries.min}, max ${f.perSeries.max}); ${int(f.samples)} samples in ${int(f.series)} series + ${int(f.readings)} readings, ${windowSeconds} s windows`);
  story.figure("stub of a series record", `${int(stub.stubBytes)} of ${int(stub.fullBytes)} bytes, same record hash; header only (${stub.disclosed.join(", ")})`);
  story.figure("records in the ledger", `${int(report.stats.records)} (agent + access log of every partner/auditor read)`);
  story.figure("checkpoints anchored", `${chain.checkpoints}, last tree size ${int(chain.lastTreeSize)}`);
  story.figure("gas per anchor", gasSummary(chain.gas));
  const totalGas = chain.gas.reduce((a, b) => a + b, 0);
  if (chain.lastTreeSize > 0) story.figure("gas per record (this run)", `${int(Math.round(totalGas / chain.lastTreeSize))} (${int(totalGas)} gas for ${int(chain.lastTreeSize)} leaves, one checkpoint every 2 s)`);
  story.figure("partner acme-maintenance sees", `${int(partner.events)} events of ${SITE}; a neighbour's series by hash: 404 (absent, not a stub)`);
  story.figure("proof bundle verify", verified);
  story.figure("full audit", `${report.verdict.toUpperCase()} — ${report.totalFindings} findings, ${int(report.stats.records)} records in ${Math.round(report.stats.totalMs)} ms`);
  story.figure("tamper detected", [bundleCodes.length ? `bundle: ${bundleCodes.join(", ")}` : "", auditCodes.length ? `audit: ${auditCodes.join(", ")}` : ""].filter(Boolean).join("; ") || "no");
}
