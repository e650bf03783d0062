// The simulator's physics: couplings and causality, not random noise.
import t from "tap";
import { Backoff } from "../../edge/delivery/backoff.ts";
import { BOILER_HIGH_PRESSURE_LIMIT, PlantModel, saturationTemperature } from "../../edge/simulator/plant-model.ts";

const run = (m: PlantModel, seconds: number, each?: (m: PlantModel) => void) => {
  for (let i = 0; i < seconds * 10; i++) { m.step(0.1); each?.(m); }
};

t.test("pump flow follows its run state with a first-order lag", async (t) => {
  const m = new PlantModel({ seed: 7 });
  run(m, 30);
  const running = m.state.pumps["P-101"].flow;
  t.ok(running > 10, `running pump delivers flow (${running.toFixed(1)} m³/h)`);
  m.setPumpRunning("P-101", false);
  run(m, 1);
  const after1s = m.state.pumps["P-101"].flow;
  t.ok(after1s > 0.3 * running && after1s < 0.8 * running, `after one second flow is decaying, not gone (${after1s.toFixed(1)})`);
  run(m, 15);
  t.ok(m.state.pumps["P-101"].flow < 0.01, "after many time constants it is zero");
  t.equal(m.state.pumps["P-101"].dischargePressure, 0, "no flow, no discharge pressure");
  t.equal(m.state.boiler.feedwaterFlow, m.state.pumps["P-101"].flow + m.state.pumps["P-102"].flow, "boiler feedwater is the pumps' flow");
});

t.test("boiler steam temperature is the saturation temperature of drum pressure", async (t) => {
  const m = new PlantModel({ seed: 3 });
  run(m, 10);
  t.ok(Math.abs(m.state.boiler.steamTemperature - saturationTemperature(m.state.boiler.drumPressure)) < 0.5);
  t.ok(Math.abs(saturationTemperature(0) - 100) < 0.5, "100 °C at atmospheric pressure");
});

t.test("a steam-demand loss drives pressure past the high limit, then it recovers", async (t) => {
  const m = new PlantModel({ seed: 5 });
  run(m, 30);
  t.ok(m.state.boiler.drumPressure < BOILER_HIGH_PRESSURE_LIMIT, "normal operation stays below the limit");
  m.injectSteamDemandLoss(10);
  let peak = 0;
  run(m, 12, (x) => { peak = Math.max(peak, x.state.boiler.drumPressure); });
  t.ok(peak > BOILER_HIGH_PRESSURE_LIMIT, `pressure overshoots to ${peak.toFixed(2)} bar`);
  run(m, 30);
  t.ok(m.state.boiler.drumPressure < BOILER_HIGH_PRESSURE_LIMIT, "and returns below the limit once demand is back");
});

t.test("vibration rises before a worn pump trips", async (t) => {
  const m = new PlantModel({ seed: 9, wearRate: 0.01 });
  m.setPumpWear("P-102", 0.5);
  m.setPumpRunning("P-102", true);
  const samples: { vib: number; fault: boolean }[] = [];
  run(m, 60, (x) => samples.push({ vib: x.state.pumps["P-102"].vibration, fault: x.state.pumps["P-102"].fault }));
  const trip = samples.findIndex((s) => s.fault);
  t.ok(trip > 0, "the pump trips");
  t.ok(samples[trip - 1]!.vib > 3 * samples[0]!.vib, "vibration well above its start just before the trip");
  t.notOk(m.state.pumps["P-102"].running, "a tripped pump stops");
  m.setPumpRunning("P-102", true);
  t.notOk(m.state.pumps["P-102"].running, "and cannot restart before maintenance");
  m.repairPump("P-102");
  m.setPumpRunning("P-102", true);
  t.ok(m.state.pumps["P-102"].running, "maintenance clears the fault");
});

t.test("backoff doubles with jitter up to its cap, and resets", async (t) => {
  const b = new Backoff(100, 1000, () => 0.999);
  t.same([b.next(), b.next(), b.next(), b.next(), b.next()].map((d) => Math.round(d / 10) * 10), [100, 200, 400, 800, 1000]);
  const low = new Backoff(100, 1000, () => 0);
  t.same([low.next(), low.next()], [50, 100], "never below half the cap");
  b.reset();
  t.ok(b.next() <= 100, "reset starts over");
});
