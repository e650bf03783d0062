/**
 * Physics of the simulated plant, free of OPC UA so it can be stepped and tested on its own.
 *
 * Feed pumps P-101/P-102 supply the boiler B-201; compressor C-301 supplies instrument air.
 * Couplings (all first-order lags, dt in seconds):
 *  - pump flow follows its run state (tau 2 s); discharge pressure follows the pump curve H0 - k·Q²;
 *  - bearing wear grows while running; vibration rises with wear *before* the pump trips on a fault;
 *  - boiler drum pressure rises with firing rate and falls with steam demand; steam temperature is the
 *    saturation temperature of the drum pressure (T ≈ 100·p_abs^0.25 °C, a standard fit);
 *  - a PI controller trims the firing rate; a demand loss overshoots pressure past the high limit (the alarm).
 * Measurement noise comes from a seeded PRNG so runs are reproducible.
 */

export interface PumpState {
  running: boolean;
  fault: boolean;
  flow: number; // m³/h
  dischargePressure: number; // bar
  vibration: number; // mm/s RMS
  bearingTemperature: number; // °C
  wear: number; // 0..1, hidden
}
export interface BoilerState {
  drumPressure: number; // bar(g)
  steamTemperature: number; // °C
  firingRate: number; // %
  steamDemand: number; // t/h
  feedwaterFlow: number; // m³/h
}
export interface CompressorState {
  running: boolean;
  dischargePressure: number; // bar
  motorCurrent: number; // A
  vibration: number; // mm/s
  outletTemperature: number; // °C
}
export interface PlantState {
  pumps: Record<PumpId, PumpState>;
  boiler: BoilerState;
  compressor: CompressorState;
  /** extra thermocouples along the economiser (°C); count set by options, used for load tests */
  sensorBank: number[];
}
export type PumpId = "P-101" | "P-102";
export const PUMP_IDS: readonly PumpId[] = ["P-101", "P-102"];

export const BOILER_PRESSURE_SETPOINT = 10; // bar(g)
export const BOILER_HIGH_PRESSURE_LIMIT = 12; // bar(g)
const RATED_FLOW = 40; // m³/h
const SHUTOFF_HEAD = 16; // bar
const CURVE_K = 0.004; // bar/(m³/h)²
const WEAR_TRIP = 1;
const NOMINAL_DEMAND = 30; // t/h

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Moves `x` toward `target` with time constant `tau` seconds over `dt` seconds. */
export function lag(x: number, target: number, tau: number, dt: number): number {
  return x + (target - x) * (1 - Math.exp(-dt / tau));
}

/** Saturation temperature of water at gauge pressure `pBarG` (fit 100·p_abs^0.25, p_abs in bar). */
export function saturationTemperature(pBarG: number): number {
  return 100 * Math.pow(Math.max(pBarG + 1.013, 0.01), 0.25);
}

export interface PlantModelOptions {
  seed?: number;
  sensorBankSize?: number;
  /** bearing wear gained per running second; default makes a fault a rare event (~hours) */
  wearRate?: number;
}

export class PlantModel {
  readonly state: PlantState;
  private readonly rand: () => number;
  private readonly wearRate: number;
  private integral = 0;
  /** seconds left of an injected steam-demand loss (drives the high-pressure alarm) */
  private demandLossLeft = 0;
  private elapsed = 0;

  constructor(options: PlantModelOptions = {}) {
    this.rand = mulberry32(options.seed ?? 1);
    this.wearRate = options.wearRate ?? 1e-5;
    const pump = (running: boolean): PumpState => ({
      running, fault: false, flow: running ? RATED_FLOW / 2 : 0, dischargePressure: running ? SHUTOFF_HEAD - CURVE_K * (RATED_FLOW / 2) ** 2 : 0,
      vibration: running ? 1.2 : 0.1, bearingTemperature: running ? 45 : 20, wear: 0.1,
    });
    this.state = {
      pumps: { "P-101": pump(true), "P-102": pump(false) },
      boiler: { drumPressure: BOILER_PRESSURE_SETPOINT, steamTemperature: saturationTemperature(BOILER_PRESSURE_SETPOINT), firingRate: 60, steamDemand: NOMINAL_DEMAND, feedwaterFlow: RATED_FLOW / 2 },
      compressor: { running: true, dischargePressure: 7, motorCurrent: 85, vibration: 2.0, outletTemperature: 38 },
      sensorBank: Array.from({ length: options.sensorBankSize ?? 0 }, (_, i) => 180 - i * (100 / Math.max(1, options.sensorBankSize ?? 1))),
    };
  }

  private noise(scale: number): number {
    return (this.rand() - 0.5) * 2 * scale;
  }

  setPumpRunning(id: PumpId, running: boolean): void {
    const p = this.state.pumps[id];
    if (running && p.fault) return; // a tripped pump needs maintenance first
    p.running = running;
  }

  setCompressorRunning(running: boolean): void {
    this.state.compressor.running = running;
  }

  /** Maintenance on a pump: bearings replaced, fault reset. */
  repairPump(id: PumpId): void {
    const p = this.state.pumps[id];
    p.wear = 0.05;
    p.fault = false;
  }

  /** Sets a pump's bearing wear (0..1); near 1 the vibration climbs and the pump soon trips. */
  setPumpWear(id: PumpId, wear: number): void {
    this.state.pumps[id].wear = wear;
  }

  /** A downstream consumer drops off for `seconds`: drum pressure overshoots past the high limit. */
  injectSteamDemandLoss(seconds: number): void {
    this.demandLossLeft = seconds;
  }

  step(dt: number): void {
    this.elapsed += dt;
    let totalFlow = 0;
    for (const id of PUMP_IDS) totalFlow += this.stepPump(this.state.pumps[id], dt);
    this.stepBoiler(totalFlow, dt);
    this.stepCompressor(dt);
    const b = this.state.boiler;
    this.state.sensorBank = this.state.sensorBank.map((t, i, all) => {
      // flue gas cools along the economiser; the inlet follows firing rate
      const target = 120 + b.firingRate * 1.2 - (i * 100) / Math.max(1, all.length);
      return lag(t, target, 5, dt) + this.noise(0.05);
    });
  }

  private stepPump(p: PumpState, dt: number): number {
    if (p.running) p.wear = Math.min(1.2, p.wear + this.wearRate * dt);
    // vibration grows sharply as wear approaches the trip point: the early warning
    const wearVibration = 8 * Math.pow(Math.max(0, p.wear), 4);
    const vibTarget = p.running ? 1.2 + wearVibration : 0.1;
    p.vibration = Math.max(0, lag(p.vibration, vibTarget, 1.5, dt) + this.noise(0.03));
    if (p.running && p.wear >= WEAR_TRIP) {
      p.fault = true;
      p.running = false;
    }
    const flowTarget = p.running ? RATED_FLOW * (1 - 0.1 * p.wear) * (0.6 + 0.4 * (this.state.boiler.steamDemand / NOMINAL_DEMAND)) / 2 : 0;
    p.flow = Math.max(0, lag(p.flow, flowTarget, 2, dt));
    p.dischargePressure = p.flow > 0.05 ? Math.max(0, SHUTOFF_HEAD - CURVE_K * p.flow * p.flow + this.noise(0.02)) : 0;
    const tempTarget = p.running ? 40 + 3 * p.vibration : 20;
    p.bearingTemperature = lag(p.bearingTemperature, tempTarget, 20, dt) + this.noise(0.02);
    return p.flow;
  }

  private stepBoiler(feedwater: number, dt: number): void {
    const b = this.state.boiler;
    if (this.demandLossLeft > 0) this.demandLossLeft = Math.max(0, this.demandLossLeft - dt);
    const daily = NOMINAL_DEMAND * (1 + 0.1 * Math.sin((2 * Math.PI * this.elapsed) / 600));
    const demandTarget = this.demandLossLeft > 0 ? 2 : daily;
    b.steamDemand = Math.max(0, lag(b.steamDemand, demandTarget, 1, dt));
    // PI firing-rate controller with a slow burner (tau 4 s): slow enough that a demand loss overshoots
    const error = BOILER_PRESSURE_SETPOINT - b.drumPressure;
    this.integral = Math.max(-50, Math.min(50, this.integral + error * dt * 0.5));
    const firingCommand = Math.max(0, Math.min(100, 60 + 20 * error + this.integral));
    b.firingRate = lag(b.firingRate, firingCommand, 4, dt);
    // energy balance: firing adds pressure, steam drawn removes it (bar/s)
    const dp = (b.firingRate * 0.5 - b.steamDemand) * 0.02;
    b.drumPressure = Math.max(0, b.drumPressure + dp * dt) + this.noise(0.003);
    b.steamTemperature = saturationTemperature(b.drumPressure) + this.noise(0.05);
    b.feedwaterFlow = feedwater;
  }

  private stepCompressor(dt: number): void {
    const c = this.state.compressor;
    const load = c.running ? 0.7 + 0.2 * Math.sin((2 * Math.PI * this.elapsed) / 120) : 0;
    c.dischargePressure = Math.max(0, lag(c.dischargePressure, c.running ? 6 + 2 * load : 0, 3, dt) + this.noise(0.01));
    c.motorCurrent = Math.max(0, lag(c.motorCurrent, c.running ? 40 + 70 * load : 0, 0.5, dt) + this.noise(0.2));
    c.vibration = Math.max(0, lag(c.vibration, c.running ? 1.5 + 1.0 * load : 0.05, 1, dt) + this.noise(0.02));
    c.outletTemperature = lag(c.outletTemperature, c.running ? 25 + 25 * load : 20, 30, dt) + this.noise(0.03);
  }
}
