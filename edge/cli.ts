/** CLI glue: `otledger edge …` and `otledger simulate`. User mistakes print one clear line, never a stack trace. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { parseCmmsCsv } from "./capture/cmms-csv.ts";
import { loadConfig, readSecret, type AgentConfig } from "./config.ts";
import { createKeystore } from "./keys.ts";

/**
 * node:sqlite prints an ExperimentalWarning on first load; operators would read it as a fault. Silence that one
 * warning, then load the modules that use it.
 */
async function loadQuietly<T>(load: () => Promise<T>): Promise<T> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (/SQLite is an experimental feature/.test(String(warning))) return;
    (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await load();
  } finally {
    process.emitWarning = emit;
  }
}

export { registerSimulateCommand } from "./simulator/command.ts";

/** Errors a user can fix: they carry a string code (ConfigError, KeystoreError, SpoolError, CsvImportError, …). */
function isUserError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === "string" && !/^ERR_|^E[A-Z]+$/.test((err as unknown as { code: string }).code);
}

export function cliAction<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const message = isUserError(err) ? `${err.message} [${err.code}]` : (err as Error).message;
      process.stderr.write(`otledger: ${message}\n`);
      // the CLI's convention: 2 = usage, configuration or I/O error
      process.exitCode = 2;
    }
  };
}

/** URL of the running agent's control endpoint (from control.json in the spool dir, else the configured port). */
function agentUrl(config: AgentConfig): string {
  const file = join(config.spool.dir, "control.json");
  if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { url: string }).url;
  return `http://${config.control.host}:${config.control.port}`;
}

async function callAgent(config: AgentConfig, path: string, body?: unknown): Promise<unknown> {
  const url = agentUrl(config);
  let res: Response;
  try {
    res = await fetch(`${url}${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    throw Object.assign(new Error(`the edge agent is not running (no answer at ${url}); start it with: otledger edge --config <file>`), { code: "agent_not_running" });
  }
  const answer = (await res.json()) as { message?: string; code?: string };
  if (!res.ok) throw Object.assign(new Error(answer.message ?? `agent answered ${res.status}`), { code: answer.code ?? "agent_error" });
  return answer;
}

export function registerEdgeCommands(program: Command): Command {
  const edge = program.command("edge").description("plant edge agent: OPC UA capture, signed records, crash-safe spool, delivery");

  edge.command("run", { isDefault: true })
    .description("run the agent")
    .requiredOption("-c, --config <file>", "agent config (YAML or JSON)")
    .action(cliAction(async (opts: { config: string }) => {
      const config = loadConfig(opts.config);
      const { startAgent } = await loadQuietly(() => import("./agent.ts"));
      const agent = await startAgent(config);
      process.stdout.write(`edge agent ${agent.device} running; control ${agent.control.url}\n`);
      const shutdown = async () => {
        await agent.stop();
        process.exit(0);
      };
      process.once("SIGINT", shutdown);
      process.once("SIGTERM", shutdown);
    }));

  edge.command("keygen")
    .description("create an encrypted device keystore and print the address to enroll")
    .option("--keystore <file>", "where to write the keystore")
    .option("--out <file>", "same as --keystore")
    .option("--password-env <var>", "environment variable holding the password", "OTLEDGER_DEVICE_PASSWORD")
    .option("--password-file <file>", "file holding the password")
    .option("--force", "overwrite an existing keystore")
    .option("--scrypt-log-n <n>", "scrypt cost exponent (N = 2^n)", (v: string) => Number(v), 17)
    .action(cliAction(async (opts: { keystore?: string; out?: string; passwordEnv: string; passwordFile?: string; force?: boolean; scryptLogN: number }) => {
      const keystore = opts.keystore ?? opts.out;
      if (!keystore) throw Object.assign(new Error("--keystore <file> is required"), { code: "usage" });
      if (!Number.isInteger(opts.scryptLogN) || opts.scryptLogN < 10 || opts.scryptLogN > 20) throw Object.assign(new Error("--scrypt-log-n must be an integer from 10 to 20"), { code: "usage" });
      const password = readSecret({ passwordEnv: opts.passwordFile ? undefined : opts.passwordEnv, passwordFile: opts.passwordFile }, "keygen");
      const address = await createKeystore(keystore, password, { overwrite: Boolean(opts.force), scryptN: 2 ** opts.scryptLogN });
      process.stdout.write(`${address}\n`);
      process.stderr.write(`device key written to ${keystore}; enroll ${address} with LedgerAnchor.registerDevice\n`);
    }));

  edge.command("event")
    .description("record a manual event through the running agent")
    .requiredOption("-c, --config <file>", "agent config")
    .requiredOption("--type <type>", "maintenance | calibration | inspection | note | alarm | alarm_cleared | outage")
    .requiredOption("--text <text>", "what was done or observed")
    .option("--asset <asset>", "asset, e.g. P-101")
    .option("--work-order <wo>", "work order, e.g. WO-123")
    .option("--actor <who>", "who did it")
    .option("--at <time>", "when (ISO 8601); default now")
    .action(cliAction(async (opts: { config: string; type: string; text: string; asset?: string; workOrder?: string; actor?: string; at?: string }) => {
      const config = loadConfig(opts.config);
      const event = { type: opts.type, text: opts.text, asset: opts.asset ?? null, workOrder: opts.workOrder ?? null, actor: opts.actor ?? null, ...(opts.at ? { at: new Date(opts.at).toISOString() } : {}) };
      const answer = (await callAgent(config, "/v1/events", event)) as { records: { seq: number; hash: string }[] };
      for (const r of answer.records) process.stdout.write(`recorded seq ${r.seq} ${r.hash}\n`);
    }));

  edge.command("import-csv")
    .description("import maintenance events from a CMMS CSV export through the running agent")
    .requiredOption("-c, --config <file>", "agent config")
    .argument("<csv>", "CSV file with a header row")
    .action(cliAction(async (csv: string, opts: { config: string }) => {
      const config = loadConfig(opts.config);
      const events = parseCmmsCsv(readFileSync(csv, "utf8")).map((e) => ({ ...e.body, at: e.at.toISOString() }));
      const answer = (await callAgent(config, "/v1/events/batch", { events })) as { records: { seq: number }[] };
      process.stdout.write(`imported ${answer.records.length} events (seq ${answer.records[0]?.seq}..${answer.records.at(-1)?.seq})\n`);
    }));

  edge.command("status")
    .description("show the agent's spool, delivery, self-audit and OPC UA state")
    .requiredOption("-c, --config <file>", "agent config")
    .option("--json", "print JSON")
    .action(cliAction(async (opts: { config: string; json?: boolean }) => {
      const config = loadConfig(opts.config);
      let status: Record<string, unknown>;
      try {
        status = (await callAgent(config, "/status")) as Record<string, unknown>;
      } catch (err) {
        if ((err as { code?: string }).code !== "agent_not_running") throw err;
        status = { agent: "not running", spool: await spoolOffline(config) };
      }
      if (opts.json) return void process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      process.stdout.write(formatStatus(status));
    }));
  return edge;
}

async function spoolOffline(config: AgentConfig): Promise<unknown> {
  if (!existsSync(join(config.spool.dir, "spool.sqlite"))) return "no spool yet";
  const { Spool } = await loadQuietly(() => import("./spool/spool.ts"));
  const device = readDeviceFromSpool(config);
  const spool = new Spool(config.spool.dir, { device, maxBytes: config.spool.maxBytes, whenFull: config.spool.whenFull });
  try { return spool.stats(); } finally { spool.close(); }
}

function readDeviceFromSpool(config: AgentConfig): string {
  const keystore = JSON.parse(readFileSync(config.device.keystore, "utf8")) as { address?: string };
  return `0x${String(keystore.address ?? "").replace(/^0x/i, "")}`.toLowerCase();
}

function formatStatus(s: Record<string, unknown>): string {
  const lines: string[] = [];
  const walk = (obj: unknown, prefix: string) => {
    if (obj && typeof obj === "object" && !Array.isArray(obj)) for (const [k, v] of Object.entries(obj)) walk(v, prefix ? `${prefix}.${k}` : k);
    else lines.push(`${prefix.padEnd(28)} ${Array.isArray(obj) ? (obj.length ? JSON.stringify(obj) : "none") : String(obj)}`);
  };
  walk(s, "");
  return `${lines.join("\n")}\n`;
}
