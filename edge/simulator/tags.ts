/** The simulator's tag table: one row per OPC UA variable, reading its value out of the plant state. */
import { makeEUInformation, standardUnits, type EUInformation } from "node-opcua";
import { PUMP_IDS, type PlantState, type PumpId } from "./plant-model.ts";

export interface TagSpec {
  /** browse path under the asset, e.g. "P-101.Flow"; also the string nodeId in the server namespace */
  tag: string;
  asset: string;
  name: string;
  kind: "analog" | "state";
  unit: EUInformation | null;
  range: [number, number];
  read(s: PlantState): number | boolean;
}

export const units = {
  bar: standardUnits.bar,
  celsius: standardUnits.degree_celsius,
  m3PerHour: standardUnits.cubic_metre_per_hour,
  percent: standardUnits.percent,
  ampere: standardUnits.ampere,
  // UNECE Rec 20 common codes not in node-opcua's table
  mmPerSecond: makeEUInformation("C16", "mm/s", "millimetre per second"),
  tonnePerHour: makeEUInformation("E18", "t/h", "tonne per hour"),
};

function pumpTags(id: PumpId): TagSpec[] {
  const p = (s: PlantState) => s.pumps[id];
  return [
    { tag: `${id}.RunState`, asset: id, name: "RunState", kind: "state", unit: null, range: [0, 1], read: (s) => p(s).running },
    { tag: `${id}.Fault`, asset: id, name: "Fault", kind: "state", unit: null, range: [0, 1], read: (s) => p(s).fault },
    { tag: `${id}.Flow`, asset: id, name: "Flow", kind: "analog", unit: units.m3PerHour, range: [0, 60], read: (s) => p(s).flow },
    { tag: `${id}.DischargePressure`, asset: id, name: "DischargePressure", kind: "analog", unit: units.bar, range: [0, 20], read: (s) => p(s).dischargePressure },
    { tag: `${id}.Vibration`, asset: id, name: "Vibration", kind: "analog", unit: units.mmPerSecond, range: [0, 20], read: (s) => p(s).vibration },
    { tag: `${id}.BearingTemperature`, asset: id, name: "BearingTemperature", kind: "analog", unit: units.celsius, range: [0, 120], read: (s) => p(s).bearingTemperature },
  ];
}

export function buildTagTable(sensorBankSize: number): TagSpec[] {
  const tags: TagSpec[] = PUMP_IDS.flatMap(pumpTags);
  const b = "B-201";
  tags.push(
    { tag: `${b}.DrumPressure`, asset: b, name: "DrumPressure", kind: "analog", unit: units.bar, range: [0, 16], read: (s) => s.boiler.drumPressure },
    { tag: `${b}.SteamTemperature`, asset: b, name: "SteamTemperature", kind: "analog", unit: units.celsius, range: [0, 250], read: (s) => s.boiler.steamTemperature },
    { tag: `${b}.FiringRate`, asset: b, name: "FiringRate", kind: "analog", unit: units.percent, range: [0, 100], read: (s) => s.boiler.firingRate },
    { tag: `${b}.SteamDemand`, asset: b, name: "SteamDemand", kind: "analog", unit: units.tonnePerHour, range: [0, 50], read: (s) => s.boiler.steamDemand },
    { tag: `${b}.FeedwaterFlow`, asset: b, name: "FeedwaterFlow", kind: "analog", unit: units.m3PerHour, range: [0, 100], read: (s) => s.boiler.feedwaterFlow },
  );
  const c = "C-301";
  tags.push(
    { tag: `${c}.RunState`, asset: c, name: "RunState", kind: "state", unit: null, range: [0, 1], read: (s) => s.compressor.running },
    { tag: `${c}.DischargePressure`, asset: c, name: "DischargePressure", kind: "analog", unit: units.bar, range: [0, 12], read: (s) => s.compressor.dischargePressure },
    { tag: `${c}.MotorCurrent`, asset: c, name: "MotorCurrent", kind: "analog", unit: units.ampere, range: [0, 200], read: (s) => s.compressor.motorCurrent },
    { tag: `${c}.Vibration`, asset: c, name: "Vibration", kind: "analog", unit: units.mmPerSecond, range: [0, 20], read: (s) => s.compressor.vibration },
    { tag: `${c}.OutletTemperature`, asset: c, name: "OutletTemperature", kind: "analog", unit: units.celsius, range: [0, 120], read: (s) => s.compressor.outletTemperature },
  );
  for (let i = 0; i < sensorBankSize; i++) {
    const n = String(i + 1).padStart(3, "0");
    tags.push({ tag: `E-401.TT-${n}`, asset: "E-401", name: `TT-${n}`, kind: "analog", unit: units.celsius, range: [0, 400], read: (s) => s.sensorBank[i] ?? 0 });
  }
  return tags;
}
