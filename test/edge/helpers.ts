/** Shared pieces of the edge tests: keystores, configs, a quiet logger, spool inspection. */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { RecordSchema, type FullRecord } from "../../core/index.ts";
import { parseConfig, type AgentConfig } from "../../edge/config.ts";
import { createKeystore } from "../../edge/keys.ts";

export const PASSWORD = "edge-test-password";
export const PW_ENV = "OTLEDGER_TEST_DEVICE_PASSWORD";
process.env[PW_ENV] = PASSWORD;

export const quietLog = { info() {}, warn() {}, error() {} };
export const debugLog = {
  info: (o: object, m?: string) => console.error("INFO", m, JSON.stringify(o)),
  warn: (o: object, m?: string) => console.error("WARN", m, JSON.stringify(o)),
  error: (o: object, m?: string) => console.error("ERROR", m, JSON.stringify(o)),
};
export const testLog = process.env.EDGE_TEST_DEBUG ? debugLog : quietLog;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `otledger-edge-${prefix}-`));
}

/** A device keystore with a cheap scrypt cost (tests only). */
export async function makeKeystore(dir: string): Promise<{ file: string; address: string }> {
  const file = join(dir, "device.json");
  const address = await createKeystore(file, PASSWORD, { scryptN: 1 << 10 });
  return { file, address };
}

export const PLANT_NODES = [
  { nodeId: "ns=1;s=P-101.Flow", tag: "P-101.Flow", samplingInterval: 50 },
  { nodeId: "ns=1;s=P-101.RunState", tag: "P-101.RunState", samplingInterval: 50 },
  { nodeId: "ns=1;s=B-201.DrumPressure", tag: "B-201.DrumPressure", samplingInterval: 50 },
  { nodeId: "ns=1;s=B-201.SteamTemperature", tag: "B-201.SteamTemperature", samplingInterval: 50, unit: "degC" },
  { nodeId: "ns=1;s=C-301.Vibration", tag: "C-301.Vibration", samplingInterval: 50 },
];

export function edgeConfig(o: { endpoint: string; dir: string; keystore: string; ledgerUrl?: string; opcua?: object; ledger?: object; selfAudit?: object; envelope?: object; delivery?: object; spool?: object }): AgentConfig {
  return parseConfig({
    opcua: { endpoint: o.endpoint, publishingInterval: 50, nodes: PLANT_NODES, events: [{}], reconnect: { initialDelayMs: 100, maxDelayMs: 1000 }, ...o.opcua },
    device: { keystore: o.keystore, passwordEnv: PW_ENV },
    ledger: { url: o.ledgerUrl ?? "http://127.0.0.1:9", chainId: 31337, contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3", ...o.ledger },
    envelope: { maxRecords: 200, lingerMs: 100, ...o.envelope },
    delivery: { initialBackoffMs: 50, maxBackoffMs: 500, requestTimeoutMs: 5000, ...o.delivery },
    spool: { dir: join(o.dir, "spool"), ...o.spool },
    selfAudit: { intervalMs: 200, slaMs: 60_000, ...o.selfAudit },
    control: { port: 0 },
  }, o.dir);
}

/** Every sealed record still in the spool (pending and sent), in seq order, read through a second connection. */
export function spoolRecords(spoolDir: string): { record: FullRecord; state: number }[] {
  const db = new DatabaseSync(join(spoolDir, "spool.sqlite"), { readOnly: true });
  try {
    return (db.prepare("SELECT json, state FROM records ORDER BY seq").all() as { json: string; state: number }[])
      .map((r) => ({ record: RecordSchema.parse(JSON.parse(r.json)), state: r.state }));
  } finally {
    db.close();
  }
}

/** Samples captured into open windows (not sealed yet), per tag, in capture order. */
export function openSamples(spoolDir: string): Map<string, { t: number; serverTs: number | null; status: number; value: unknown }[]> {
  const db = new DatabaseSync(join(spoolDir, "spool.sqlite"), { readOnly: true });
  try {
    const out = new Map<string, { t: number; serverTs: number | null; status: number; value: unknown }[]>();
    for (const r of db.prepare("SELECT stream, t, server_ts, status, value FROM samples ORDER BY id").all() as { stream: string; t: number; server_ts: number | null; status: number; value: string }[]) {
      out.set(r.stream, [...(out.get(r.stream) ?? []), { t: r.t, serverTs: r.server_ts, status: r.status, value: JSON.parse(r.value) }]);
    }
    return out;
  } finally {
    db.close();
  }
}

/** Writes a parsed config back as a JSON file for the CLI (paths are already absolute). */
export function writeConfigFile(dir: string, config: AgentConfig, name = "plant.json"): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** Runs the otledger CLI (test entry point, see fixtures/otledger.ts) without blocking this process. */
export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; entry?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const entry = options.entry ?? join(import.meta.dirname, "fixtures/otledger.ts");
  return new Promise((resolve) => {
    execFile(process.execPath, ["--experimental-strip-types", "--no-warnings", entry, ...args], { encoding: "utf8", env: { ...process.env, ...options.env }, cwd: options.cwd, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }));
  });
}
