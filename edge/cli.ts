/** CLI glue: `otledger edge …` and `otledger simulate`. User mistakes print one clear line, never a stack trace. */
import { readFileSync } from "node:fs";
import { CommanderError, InvalidArgumentError, Option, type Command } from "commander";
import { parseCmmsCsv } from "./capture/cmms-csv.ts";
import { listServerCertificates, trustServerCertificate } from "./capture/server-trust.ts";
import { AGENT_TIMEOUT_MS, callAgent, formatStatus, loadQuietly, offlineStatus } from "./cli-agent.ts";
import { ConfigError, loadConfig, readSecret, type AgentConfig } from "./config.ts";
import { createKeystore } from "./keys.ts";

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

/** The agent config: --config, else $OTLEDGER_EDGE_CONFIG, else ./plant.yaml (the README's copy of plant.example.yaml). */
function configOption(): Option {
  return new Option("-c, --config <file>", "agent config (YAML or JSON)").env("OTLEDGER_EDGE_CONFIG").default(DEFAULT_CONFIG);
}
const DEFAULT_CONFIG = "plant.yaml";

function loadAgentConfig(file: string): AgentConfig {
  try {
    return loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError && err.code === "config_unreadable" && file === DEFAULT_CONFIG) {
      throw new ConfigError("config_unreadable", "", `no ${DEFAULT_CONFIG} in ${process.cwd()}: pass --config <file> or set OTLEDGER_EDGE_CONFIG`);
    }
    throw err;
  }
}

const timeoutOption = (fallback: number) =>
  new Option("--timeout-ms <ms>", "how long to wait for the running agent").default(fallback).argParser((v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
    return n;
  });

export function registerEdgeCommands(program: Command): Command {
  const edge = program.command("edge").description("plant edge agent: OPC UA capture, signed records, crash-safe spool, delivery");
  // usage errors (missing option, unknown command) exit 2 like every other CLI error; inherited by the subcommands
  edge.exitOverride((err) => {
    throw err.exitCode === 1 ? new CommanderError(2, err.code, err.message) : err;
  });

  edge.command("run", { isDefault: true })
    .description("run the agent")
    .addOption(configOption())
    .action(cliAction(async (opts: { config: string }) => {
      const config = loadAgentConfig(opts.config);
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
      process.stderr.write(`device key written to ${keystore}; enroll it with: otledger device enroll ${address} --site <site> --label <label>\n`);
    }));

  edge.command("event")
    .description("record a manual event through the running agent")
    .addOption(configOption())
    .addOption(timeoutOption(AGENT_TIMEOUT_MS))
    .requiredOption("--type <type>", "maintenance | calibration | inspection | note | alarm | alarm_cleared | outage")
    .requiredOption("--text <text>", "what was done or observed")
    .option("--asset <asset>", "asset, e.g. P-101")
    .option("--work-order <wo>", "work order, e.g. WO-123")
    .option("--actor <who>", "who did it")
    .option("--at <time>", "when (ISO 8601); default now")
    .action(cliAction(async (opts: { config: string; timeoutMs: number; type: string; text: string; asset?: string; workOrder?: string; actor?: string; at?: string }) => {
      const config = loadAgentConfig(opts.config);
      const event = { type: opts.type, text: opts.text, asset: opts.asset ?? null, workOrder: opts.workOrder ?? null, actor: opts.actor ?? null, ...(opts.at ? { at: new Date(opts.at).toISOString() } : {}) };
      const answer = (await callAgent(config, "/v1/events", event, opts.timeoutMs)) as { records: { seq: number; hash: string }[] };
      for (const r of answer.records) process.stdout.write(`recorded seq ${r.seq} ${r.hash}\n`);
    }));

  edge.command("import-csv")
    .description("import maintenance events from a CMMS CSV export through the running agent")
    .addOption(configOption())
    .addOption(timeoutOption(60_000))
    .argument("<csv>", "CSV file with a header row")
    .action(cliAction(async (csv: string, opts: { config: string; timeoutMs: number }) => {
      const config = loadAgentConfig(opts.config);
      const events = parseCmmsCsv(readFileSync(csv, "utf8")).map((e) => ({ ...e.body, at: e.at.toISOString() }));
      const answer = (await callAgent(config, "/v1/events/batch", { events }, opts.timeoutMs)) as { records: { seq: number }[] };
      process.stdout.write(`imported ${answer.records.length} events (seq ${answer.records[0]?.seq}..${answer.records.at(-1)?.seq})\n`);
    }));

  edge.command("status")
    .description("show the agent's spool, delivery, self-audit, OPC UA state and alarms (from the spool if the agent is down)")
    .addOption(configOption())
    .addOption(timeoutOption(AGENT_TIMEOUT_MS))
    .option("--json", "print JSON")
    .action(cliAction(async (opts: { config: string; timeoutMs: number; json?: boolean }) => {
      const config = loadAgentConfig(opts.config);
      let status: Record<string, unknown>;
      try {
        status = (await callAgent(config, "/status", undefined, opts.timeoutMs)) as Record<string, unknown>;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== "agent_not_running" && code !== "agent_not_answering") throw err;
        status = await offlineStatus(config, code === "agent_not_running" ? "not running" : "not answering");
      }
      if (opts.json) return void process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      process.stdout.write(formatStatus(status));
    }));

  edge.command("trust")
    .description("trust an OPC UA server certificate (a PEM/DER file, or the thumbprint of a refused one); without an argument, list them")
    .addOption(configOption())
    .argument("[certificate]", "certificate file, or SHA-1 thumbprint of a certificate in <pkiDir>/rejected")
    .action(cliAction(async (certificate: string | undefined, opts: { config: string }) => {
      const config = loadAgentConfig(opts.config);
      const pkiDir = config.opcua.pkiDir!;
      if (certificate === undefined) {
        const { rejected, trusted } = listServerCertificates(pkiDir);
        const line = (state: string) => (c: { thumbprint: string; subject: string }) => `${state.padEnd(9)} ${c.thumbprint}${c.subject ? `  ${c.subject}` : ""}\n`;
        return void process.stdout.write([...rejected.map(line("refused")), ...trusted.map(line("trusted"))].join("") || `no server certificates in ${pkiDir} yet\n`);
      }
      const cert = await loadQuietly(() => trustServerCertificate(pkiDir, certificate));
      process.stdout.write(`trusted ${cert.thumbprint}${cert.subject ? ` (${cert.subject})` : ""}\n`);
      process.stderr.write(`a running agent connects at its next attempt; its certificate store: ${pkiDir}\n`);
    }));
  return edge;
}
