// Simulator → agent → spool: values keep unit and StatusCode; simulator events, alarms, manual and CSV events arrive,
// each event in its asset's stream (@events/<asset>) with actor and text in the personal opening.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { StatusCodes } from "node-opcua";
import { startAgent } from "../../edge/agent.ts";
import { parseCmmsCsv } from "../../edge/capture/cmms-csv.ts";
import { startSimulator } from "../../edge/simulator/server.ts";
import { waitFor } from "../helpers/wait.ts";
import type { ReadingBody, SeriesBody } from "../../core/index.ts";
import { PW_ENV, edgeConfig, makeKeystore, spoolRecords, tempDir, testLog } from "./helpers.ts";
import { chainProblems, samplesOf } from "./v2-chains.ts";

const dir = tempDir("capture");
const sim = await startSimulator({ tickMs: 50, timeScale: 5 });
t.teardown(() => sim.stop());
const key = await makeKeystore(dir);
// short windows: values are sealed into records within a second
const config = edgeConfig({ endpoint: sim.endpointUrl, dir, keystore: key.file, opcua: { window: { seconds: 0.5, maxSamples: 4096 } } });
const agent = await startAgent(config, { log: testLog });
t.teardown(() => agent.stop());
await agent.capture.ready;

const all = () => spoolRecords(config.spool.dir).map((r) => r.record);
/** Every sealed sample with its record's series metadata (readings and series alike). */
const readings = () => all().filter((r) => r.header.kind === "series" || r.header.kind === "reading")
  .flatMap((r) => samplesOf(r).map((s) => ({ tag: r.stream.name, device: r.header.device, unit: (r.body as SeriesBody | ReadingBody).unit, ...s })));
const events = () => all().filter((r) => r.header.kind === "event").map((r) => ({ seq: r.header.seq, from: r.header.from, stream: r.stream.name, body: r.body as { type: string; asset: string | null; workOrder: string | null; source?: { system: string; ref: string } }, personal: r.personal! }));

t.test("simulator values arrive with their engineering unit and StatusCode", async (t) => {
  sim.setTagStatus("C-301.Vibration", StatusCodes.UncertainLastUsableValue);
  const byTag = await waitFor(() => {
    const seen = new Map(readings().map((r) => [r.tag, r]));
    const vib = readings().find((r) => r.tag === "C-301.Vibration" && r.status !== 0);
    return seen.size === 5 && vib ? { seen, vib } : undefined;
  }, { what: "a reading of every tag" });
  const flow = byTag.seen.get("P-101.Flow")!;
  t.equal(flow.device, agent.device);
  t.equal(flow.unit, "m³/h", "unit read from the node's EngineeringUnits property");
  t.equal(flow.value.t, "Double");
  t.equal(byTag.seen.get("B-201.DrumPressure")!.unit, "bar");
  t.equal(byTag.seen.get("B-201.SteamTemperature")!.unit, "degC", "unit from the config wins");
  t.same(byTag.seen.get("P-101.RunState")!.value, { t: "Boolean", v: true }, "run state is a Boolean");
  t.equal(byTag.seen.get("P-101.RunState")!.unit, null, "a state has no unit");
  t.equal(byTag.vib.status, StatusCodes.UncertainLastUsableValue.value, "a non-Good StatusCode is recorded as is");
  t.ok(flow.t && flow.serverTs, "source and server timestamps kept");
  sim.setTagStatus("C-301.Vibration", null);
});

t.test("maintenance and calibration events raised in the simulator arrive", async (t) => {
  sim.raiseMaintenance({ asset: "P-101", workOrder: "WO-777", technician: "j.doe", text: "replaced mechanical seal" });
  const ev = await waitFor(() => events().find((r) => r.body.workOrder === "WO-777"), { what: "the maintenance event" });
  t.match(ev, { stream: "@events/P-101", body: { type: "maintenance", asset: "P-101", workOrder: "WO-777", source: { system: "opcua" } }, personal: { actor: "j.doe", text: "replaced mechanical seal" } });
  t.notOk("actor" in ev.body || "text" in ev.body, "actor and text are only in the personal opening");
  sim.raiseCalibration({ asset: "B-201", workOrder: "WO-778", technician: "metrology", text: "PT-201 calibrated" });
  const cal = await waitFor(() => events().find((r) => r.body.workOrder === "WO-778"), { what: "the calibration event" });
  t.match(cal, { stream: "@events/B-201", body: { type: "calibration", asset: "B-201" }, personal: { actor: "metrology" } });
});

t.test("the boiler high-pressure alarm trips and clears", async (t) => {
  sim.tripHighPressure(6);
  const cleared = await waitFor(() => events().find((r) => r.body.type === "alarm_cleared"), { what: "alarm cleared", timeoutMs: 60_000 });
  const tripped = events().find((r) => r.body.type === "alarm");
  t.ok(tripped, "alarm recorded");
  t.ok(tripped!.seq < cleared.seq, "trip before clear");
  t.equal(tripped!.body.asset, "B-201");
  t.equal(tripped!.stream, "@events/B-201");
  t.match(tripped!.personal.text, /HighPressure/);
});

t.test("a manual event and a CMMS CSV import arrive through the control endpoint", async (t) => {
  const res = await fetch(`${agent.control.url}/v1/events`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ type: "calibration", asset: "B-201", workOrder: "WO-900", actor: "metrology", text: "PT-201 calibrated, as-found +0.3%" }),
  });
  t.equal(res.status, 201);
  const { records } = (await res.json()) as { records: { seq: number; hash: string }[] };
  const manual = events().find((r) => r.seq === records[0]!.seq);
  t.match(manual, { body: { type: "calibration", asset: "B-201", workOrder: "WO-900" }, personal: { actor: "metrology" } });

  const bad = await fetch(`${agent.control.url}/v1/events`, { method: "POST", body: JSON.stringify({ type: "repair", text: "x" }) });
  t.equal(bad.status, 400, "an unknown event type is refused");
  t.same(((await bad.json()) as { path: string[] }).path, ["type"], "with the path of the bad field");

  const csv = [
    "Order,Equipment,Short Text,Performed By,Completed",
    'WO-1001,P-102,"Coupling aligned, 0.05 mm",k.lee,2026-11-20T08:15:00Z',
    "WO-1002,C-301,Oil change,k.lee,2026-11-21T09:30:00Z",
  ].join("\n");
  const batch = await fetch(`${agent.control.url}/v1/events/batch`, {
    method: "POST", body: JSON.stringify({ events: parseCmmsCsv(csv).map((e) => ({ ...e.body, at: e.at.toISOString() })) }),
  });
  t.equal(batch.status, 201);
  const imported = events().filter((r) => r.body.source?.system === "cmms-csv");
  t.equal(imported.length, 2, "both CSV rows recorded");
  t.match(imported[0], { from: "2026-11-20T08:15:00.000Z", stream: "@events/P-102", body: { type: "maintenance", asset: "P-102", workOrder: "WO-1001", source: { ref: "WO-1001" } }, personal: { actor: "k.lee", text: "Coupling aligned, 0.05 mm" } });
  t.equal(imported[1]!.stream, "@events/C-301", "each asset has its own event stream");
  t.same(chainProblems(all()), [], "device chain and every stream chain (tags, @events/<asset>) whole");
});

t.test("CLI: edge event, import-csv and status talk to the running agent", async (t) => {
  const file = join(dir, "plant.json");
  writeFileSync(file, JSON.stringify({
    opcua: { endpoint: sim.endpointUrl, nodes: [{ nodeId: "ns=1;s=P-101.Flow", tag: "P-101.Flow" }] },
    device: { keystore: key.file, passwordEnv: PW_ENV }, ledger: { url: "http://127.0.0.1:9" }, spool: { dir: config.spool.dir },
  }));
  const csv = join(dir, "cmms.csv");
  writeFileSync(csv, "Work Order,Asset,Description,Technician\nWO-2001,B-201,Safety valve tested,m.ortiz\n");
  // async: the agent answering the CLI runs in this very process
  const cli = (...args: string[]) => new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ["--experimental-strip-types", "--no-warnings", join(import.meta.dirname, "fixtures/otledger.ts"), "edge", ...args, "--config", file], { encoding: "utf8", timeout: 60_000 },
      (err, stdout, stderr) => resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });

  const ev = await cli("event", "--type", "maintenance", "--asset", "P-101", "--work-order", "WO-123", "--text", "bearing greased", "--actor", "a.kim");
  t.equal(ev.status, 0, ev.stderr);
  const seq = Number(/recorded seq (\d+)/.exec(ev.stdout)?.[1]);
  t.match(events().find((r) => r.seq === seq), { body: { type: "maintenance", asset: "P-101", workOrder: "WO-123" }, personal: { actor: "a.kim", text: "bearing greased" } }, "the manual event is a record of both chains");

  const imp = await cli("import-csv", csv);
  t.equal(imp.status, 0, imp.stderr);
  t.match(imp.stdout, /imported 1 events/);
  t.ok(events().some((r) => r.body.workOrder === "WO-2001" && r.body.source?.system === "cmms-csv"), "CSV row recorded");

  const st = await cli("status", "--json");
  t.equal(st.status, 0, st.stderr);
  const status = JSON.parse(st.stdout);
  t.equal(status.device, agent.device);
  t.equal(status.opcua.state, "connected");
  t.ok(status.spool.lastSeq >= seq, "status shows the spool head");
});
