/** `startSimulator`: a node-opcua server fronting the plant model, stepped on a timer with an injected clock. */
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DataType, LocalizedText, MessageSecurityMode, OPCUACertificateManager, OPCUAServer, SecurityPolicy, StatusCode, StatusCodes,
} from "node-opcua";
import { createHash } from "node:crypto";
import { buildPlantAddressSpace, type PlantAddressSpace } from "./address-space.ts";
import { PlantModel, type PumpId } from "./plant-model.ts";
import { buildTagTable, type TagSpec } from "./tags.ts";

export interface SimulatorUser {
  username: string;
  password: string;
}
export interface SimulatorOptions {
  /** TCP port; 0 picks a free one */
  port?: number;
  /** model step and publish period */
  tickMs?: number;
  seed?: number;
  /** extra economiser thermocouples E-401.TT-nnn (load tests) */
  sensorBankSize?: number;
  /** injected clock for source timestamps and event times */
  now?: () => Date;
  users?: SimulatorUser[];
  allowAnonymous?: boolean;
  /** where the server keeps its self-signed certificate and trust lists */
  pkiDir?: string;
  /** model seconds per wall-clock second (>1 runs the plant faster, e.g. for tests) */
  timeScale?: number;
  /** inject a steam-demand loss (high-pressure alarm) every N seconds; 0 = never */
  alarmEverySeconds?: number;
}
export interface EventInput {
  asset: string;
  workOrder?: string;
  technician?: string;
  text: string;
  severity?: number;
}
export interface SimulatorHandle {
  endpointUrl: string;
  port: number;
  /** SHA-1 thumbprint of the server's application certificate (what an agent must trust or pin) */
  certificateThumbprint: string;
  tags: TagSpec[];
  model: PlantModel;
  stop(): Promise<void>;
  raiseMaintenance(input: EventInput): void;
  raiseCalibration(input: EventInput): void;
  /** drops steam demand for `seconds`: the boiler high-pressure alarm trips, then clears */
  tripHighPressure(seconds?: number): void;
  /** forces a tag's StatusCode (e.g. BadSensorFailure); null returns it to Good */
  setTagStatus(tag: string, status: StatusCode | null): void;
  setPumpRunning(id: PumpId, running: boolean): void;
  /** writes a tag's value with an explicit source timestamp (tests: exact sample sequences; the model's next tick overwrites it) */
  writeTag(tag: string, value: number | boolean, status: StatusCode, sourceTimestamp: Date): void;
}

export const DEFAULT_SIM_USERS: SimulatorUser[] = [{ username: "operator", password: "operator-secret" }];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const now = options.now ?? (() => new Date());
  const tickMs = options.tickMs ?? 100;
  const port = options.port || (await freePort());
  const users = options.users ?? DEFAULT_SIM_USERS;
  const pkiDir = options.pkiDir ?? join(tmpdir(), "otledger-sim-pki");
  // The simulator stands in for a plant PLC on a lab network: it trusts any client certificate.
  const serverCertificateManager = new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: true });
  const server = new OPCUAServer({
    port,
    hostname: "127.0.0.1",
    resourcePath: "/otledger-sim",
    buildInfo: { productName: "otledger plant simulator", manufacturerName: "otledger" },
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
    allowAnonymous: options.allowAnonymous ?? true,
    serverCertificateManager,
    userManager: { isValidUser: (username: string, password: string) => users.some((u) => u.username === username && u.password === password) },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error("OPC UA server has no address space");
  const tags = buildTagTable(options.sensorBankSize ?? 0);
  const plant: PlantAddressSpace = buildPlantAddressSpace(addressSpace, tags);
  const model = new PlantModel({ seed: options.seed ?? 1, sensorBankSize: options.sensorBankSize ?? 0 });
  const forcedStatus = new Map<string, StatusCode>();

  const publish = () => {
    const ts = now();
    for (const spec of tags) plant.writeTag(spec.tag, spec.read(model.state), forcedStatus.get(spec.tag) ?? StatusCodes.Good, ts);
  };
  publish();
  await server.start();

  let lastTick = now().getTime();
  let sinceAlarm = 0;
  const timer = setInterval(() => {
    const t = now().getTime();
    const dt = (Math.max(0, (t - lastTick) / 1000)) * (options.timeScale ?? 1);
    lastTick = t;
    model.step(dt);
    if (options.alarmEverySeconds) {
      sinceAlarm += dt;
      if (sinceAlarm >= options.alarmEverySeconds) {
        sinceAlarm = 0;
        model.injectSteamDemandLoss(10);
      }
    }
    publish();
  }, tickMs);

  const raise = (which: "maintenance" | "calibration", input: EventInput) => {
    const asset = plant.assets.get(input.asset);
    if (!asset) throw new Error(`unknown asset ${input.asset}`);
    asset.raiseEvent(plant.eventTypes[which], {
      message: { dataType: DataType.LocalizedText, value: new LocalizedText({ text: input.text }) },
      severity: { dataType: DataType.UInt16, value: input.severity ?? 300 },
      time: { dataType: DataType.DateTime, value: now() },
      sourceName: { dataType: DataType.String, value: input.asset },
      workOrder: { dataType: DataType.String, value: input.workOrder ?? "" },
      technician: { dataType: DataType.String, value: input.technician ?? "" },
      asset: { dataType: DataType.String, value: input.asset },
    });
    if (which === "maintenance" && (input.asset === "P-101" || input.asset === "P-102")) model.repairPump(input.asset);
  };

  return {
    endpointUrl: `opc.tcp://127.0.0.1:${port}/otledger-sim`,
    port,
    certificateThumbprint: createHash("sha1").update(server.getCertificate()).digest("hex"),
    tags,
    model,
    async stop() {
      clearInterval(timer);
      await server.shutdown(0);
    },
    raiseMaintenance: (input) => raise("maintenance", input),
    raiseCalibration: (input) => raise("calibration", input),
    tripHighPressure: (seconds = 10) => model.injectSteamDemandLoss(seconds),
    setTagStatus(tag, status) {
      if (status === null) forcedStatus.delete(tag);
      else forcedStatus.set(tag, status);
    },
    setPumpRunning: (id, running) => model.setPumpRunning(id, running),
    writeTag: (tag, value, status, sourceTimestamp) => plant.writeTag(tag, value, status, sourceTimestamp),
  };
}
