// The auditor's commands for the otledger CLI: verify, verify-query, audit, export-bundle. bin/otledger.ts registers them.
// Exit codes: 0 valid/clean, 1 invalid/findings, 2 usage or I/O error. User mistakes print a message, not a stack.
import { Command, InvalidArgumentError, Option } from "commander";
import { auditCommand, parseDuration } from "./audit/command.ts";
import { ChainError } from "../sdk/ledger-anchor.ts";
import { exportBundleCommand } from "./export/command.ts";
import { monitorCommand } from "./monitor/command.ts";
import { InputError } from "./format/input-error.ts";
import { formatVerifyOutcome, verifyBundleFile, verifyOutcomeJson } from "./verify/command.ts";
import { answerOutcomeJson, formatAnswerOutcome } from "./verify-query/format.ts";
import { verifyQueryFile } from "./verify-query/verify-answer.ts";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const DEFAULT_RPC = process.env.OTLEDGER_RPC_URL ?? "http://127.0.0.1:8545";

function reportError(command: string, err: unknown): void {
  const known = err instanceof InputError || err instanceof ChainError;
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`otledger ${command}: ${known ? "" : "unexpected error: "}${message}\n`);
  if (!known && process.env.OTLEDGER_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
}

/** Runs an action; maps its result or error to the documented exit code (set on process.exitCode). */
function run(command: string, action: () => Promise<number>): () => Promise<void> {
  return async () => {
    try {
      process.exitCode = await action();
    } catch (err) {
      reportError(command, err);
      process.exitCode = EXIT_USAGE;
    }
  };
}

const positiveInt = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError("expected a positive integer");
  return Number(v);
};
const address = (v: string) => {
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new InvalidArgumentError("expected a 0x-prefixed 20-byte address");
  return v.toLowerCase();
};
const duration = (v: string) => {
  try { return parseDuration(v); } catch (err) { throw new InvalidArgumentError((err as Error).message); }
};
const collectList = (v: string, prev: string[] = []) => [...prev, address(v)];

/** Usage errors (unknown option, missing argument) exit 2 like every other usage error; --help exits 0. */
function usageExits(cmd: Command): Command {
  return cmd.exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT_OK : EXIT_USAGE));
}

export function registerAuditorCommands(program: Command): void {
  usageExits(program.command("verify")
    .description("verify one proof bundle or envelope proof against LedgerAnchor (no ledger service needed)")
    .argument("<bundle.json>", "a proof bundle (otledger.bundle/2) or an envelope proof (otledger.envelope-proof/2)")
    .option("--rpc <url>", "JSON-RPC URL of the chain the bundle is anchored on", DEFAULT_RPC)
    .option("--json", "print a machine-readable result")
    .action((file: string, o: { rpc: string; json?: boolean }) => run("verify", async () => {
      const outcome = await verifyBundleFile(file, o.rpc);
      process.stdout.write((o.json ? verifyOutcomeJson(file, outcome) : formatVerifyOutcome(file, outcome)) + "\n");
      return outcome.exitCode;
    })()));

  usageExits(program.command("verify-query")
    .description("verify a saved stream answer (otledger.stream-answer/1) against LedgerAnchor: complete for its window, as anchored")
    .argument("<answer.json>", "a stream answer, as GET /v1/streams/answer returns it")
    .option("--rpc <url>", "JSON-RPC URL of the chain the answer is anchored on", DEFAULT_RPC)
    .addOption(new Option("--contract <address>", "the LedgerAnchor you trust (default: the one the answer names)").argParser(address))
    .option("--json", "print a machine-readable result")
    .action((file: string, o: { rpc: string; contract?: string; json?: boolean }) => run("verify-query", async () => {
      const outcome = await verifyQueryFile(file, o.rpc, o.contract);
      process.stdout.write((o.json ? answerOutcomeJson(file, outcome) : formatAnswerOutcome(file, outcome)) + "\n");
      return outcome.exitCode;
    })()));

  usageExits(program.command("audit")
    .description("audit the whole ledger (or a range) against the chain, from the export API or a regulator bundle")
    .option("--api <url>", "ledger service base URL (reads GET /v1/export)")
    .option("--api-key <key>", "auditor API key for --api")
    .option("--bundle <file>", "a regulator bundle (.json or .tar.gz) instead of --api")
    .option("--from <when>", "with --api: records with ts >= this RFC 3339 time")
    .option("--to <when>", "with --api: records with ts < this RFC 3339 time")
    .option("--device <address>", "with --api: only this device (repeatable)", collectList)
    .option("--rpc <url>", "JSON-RPC URL of the chain (the only thing trusted)", DEFAULT_RPC)
    .addOption(new Option("--chain-id <id>", "pin the chain id (default: the export's)").argParser(positiveInt))
    .addOption(new Option("--contract <address>", "pin the LedgerAnchor address (default: the export's)").argParser(address))
    .addOption(new Option("--sla <duration>", "anchoring SLA: records unanchored for longer are findings").argParser(duration).default(600_000, "10m"))
    .option("--state <file>", "incremental: resume from this saved state (created on the first run), audit only the leaves after it in bounded memory, save the new state after a clean run")
    .option("--json", "print the report as JSON")
    .option("--html <file>", "also write a self-contained HTML report")
    .option("--no-progress", "no progress bar")
    .action((o) => run("audit", async () => (await auditCommand({ ...o, slaMs: o.sla })).exitCode)()));

  usageExits(program.command("monitor")
    .description("follow LedgerAnchor's checkpoints and audit each new one incrementally (a transparency monitor), with Prometheus metrics")
    .requiredOption("--api <url>", "ledger service base URL (reads GET /v1/export?fromIndex=)")
    .requiredOption("--api-key <key>", "auditor API key")
    .requiredOption("--state <file>", "the incremental audit state (created on the first run)")
    .option("--rpc <url>", "JSON-RPC URL of the chain (the only thing trusted)", DEFAULT_RPC)
    .addOption(new Option("--chain-id <id>", "pin the chain id").argParser(positiveInt))
    .addOption(new Option("--contract <address>", "pin the LedgerAnchor address (default: the state's, else the export's)").argParser(address))
    .addOption(new Option("--interval <duration>", "how often to poll the chain for a new checkpoint").argParser(duration).default(30_000, "30s"))
    .addOption(new Option("--sla <duration>", "anchoring SLA: records unanchored for longer are findings").argParser(duration).default(600_000, "10m"))
    .addOption(new Option("--metrics-port <port>", "port of GET /metrics (0: any free port, logged at start)").argParser((v) => {
      if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError("expected a port number 0-65535");
      return Number(v);
    }).default(9465))
    .option("--metrics-host <host>", "address /metrics listens on", "127.0.0.1")
    .option("--exit-on-finding", "exit 1 at the first finding (default: log it, raise the metrics and keep following)")
    .action((o) => run("monitor", () => monitorCommand({
      api: o.api, apiKey: o.apiKey, rpc: o.rpc, stateFile: o.state, slaMs: o.sla, intervalMs: o.interval, exitOnFinding: Boolean(o.exitOnFinding),
      metricsPort: o.metricsPort, metricsHost: o.metricsHost,
      ...(o.chainId === undefined ? {} : { chainId: o.chainId }), ...(o.contract === undefined ? {} : { contract: o.contract }),
    }))()));

  usageExits(program.command("export-bundle")
    .description("pack a range of the ledger with its proof material into a regulator bundle")
    .requiredOption("--api <url>", "ledger service base URL")
    .requiredOption("--api-key <key>", "auditor API key")
    .option("--from <when>", "records with ts >= this RFC 3339 time")
    .option("--to <when>", "records with ts < this RFC 3339 time")
    .option("--device <address>", "only this device (repeatable)", collectList)
    .requiredOption("-o, --out <file>", "bundle.tar.gz or bundle.json")
    .option("--rpc <url>", "JSON-RPC URL, to complete anchor receipts the export lacks")
    .action((o) => run("export-bundle", async () => {
      const s = await exportBundleCommand(o);
      process.stdout.write(`wrote ${s.out}: ${s.counts.record ?? 0} records, ${s.counts.envelope ?? 0} envelopes, ${s.counts.checkpoint ?? 0} checkpoints` +
        ` (${s.completedFromChain} receipts read from the chain), ${s.counts.device ?? 0} devices, ${s.counts.leaves ?? 0} leaves\n`);
      return EXIT_OK;
    })()));
}
