// `otledger query`: a partner's verified download of one stream in a time window. Every page of
// GET /v1/streams/answer is verified against LedgerAnchor (verify-query's checks) and chained to the page before
// (checkPageContinues); only then are its samples or events written, as CSV or NDJSON. Exit 0 all verified and
// written; 1 a page failed (nothing written); 2 usage, service, chain or output error (nothing written).
import { InvalidArgumentError, Option, type Command } from "commander";
import { ChainError, LedgerApiError, type LedgerAnchorReader } from "../../sdk/index.ts";
import { InputError } from "../../auditor/format/input-error.ts";
import { formatAnswerOutcome } from "../../auditor/verify-query/format.ts";
import { openRowSink, type OutputFormat } from "../../auditor/verify-query/output.ts";
import { checkPageContinues } from "../../auditor/verify-query/pages.ts";
import { answerRows, columnsOf, rowKindOf } from "../../auditor/verify-query/rows.ts";
import { asStreamAnswerCandidate, connectForAnswer, verifyAnswerWith } from "../../auditor/verify-query/verify-answer.ts";
import type { StreamAnswer } from "../../core/index.ts";
import { withApiOptions, type ApiOptions } from "./cli-api.ts";
import { fetchAnswerPage, PendingTooLongError, type AnswerQuery } from "./query-api.ts";

type QueryFlags = ApiOptions & {
  device: string; stream: string; from: string; to: string; format: OutputFormat; out?: string; rpc: string; contract?: string;
  limit?: number; retries: number; maxPages: number; quiet?: boolean;
};

const address = (v: string) => {
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new InvalidArgumentError("expected a 0x-prefixed 20-byte address");
  return v.toLowerCase();
};
const instant = (v: string) => {
  const ms = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\dT/.test(v) || Number.isNaN(ms)) throw new InvalidArgumentError("expected an RFC 3339 instant, e.g. 2026-11-24T12:00:00Z");
  return new Date(ms).toISOString();
};
const count = (min: number) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
  return Number(v);
};

export function registerQueryCommand(program: Command): void {
  withApiOptions(program.command("query"))
    .description("download one stream's samples (or events) in a time window, every page verified against LedgerAnchor")
    .requiredOption("--device <address>", "the device (0x…)", address)
    .requiredOption("--stream <name>", "the stream: an OPC UA tag (e.g. TT-101.PV) or @events/<asset>")
    .requiredOption("--from <instant>", "window start (RFC 3339, inclusive)", instant)
    .requiredOption("--to <instant>", "window end (RFC 3339, exclusive)", instant)
    .addOption(new Option("--format <format>", "output format").choices(["csv", "ndjson"]).default("csv"))
    .option("--out <file>", "write here (atomically) instead of stdout")
    .option("--rpc <url>", "JSON-RPC URL of the chain (the only thing trusted)", process.env.OTLEDGER_RPC_URL ?? "http://127.0.0.1:8545")
    .option("--contract <address>", "the LedgerAnchor to trust (default: the one the first page names)", address)
    .option("--limit <n>", "records per page (default: the service's)", count(1))
    .option("--retries <n>", "how many times to wait on 202 pending per page", count(0), 10)
    .option("--max-pages <n>", "stop with an error after this many pages", count(1), 10_000)
    .option("--quiet", "no progress on stderr")
    .addHelpText("after", "\nExample:\n  otledger query --api http://127.0.0.1:8080 --api-key $KEY --device 0x3f…a1 --stream TT-101.PV \\\n    --from 2026-11-24T12:00:00Z --to 2026-11-24T13:00:00Z --out tt101.csv --rpc http://127.0.0.1:8545")
    .action(async (flags: QueryFlags) => {
      process.exitCode = await runQuery(flags).catch((err: unknown) => {
        const known = err instanceof LedgerApiError || err instanceof ChainError || err instanceof InputError || err instanceof PendingTooLongError || err instanceof SyntaxError;
        process.stderr.write(`otledger query: ${known ? "" : "unexpected error: "}${err instanceof Error ? err.message : String(err)}\n`);
        if (!known && process.env.OTLEDGER_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
        return 2;
      });
    });
}

async function runQuery(f: QueryFlags): Promise<number> {
  if (!(f.from < f.to)) throw new InputError("input_format", `--from (${f.from}) must be before --to (${f.to})`);
  const q: AnswerQuery = { device: f.device, stream: f.stream, from: f.from, to: f.to, limit: f.limit };
  const say = (line: string) => { if (!f.quiet) process.stderr.write(`${line}\n`); };
  const kind = rowKindOf(f.stream);
  const sink = await openRowSink(f.format, columnsOf(kind), f.out);
  let reader: LedgerAnchorReader | undefined;
  try {
    let prev: StreamAnswer | undefined, cursor: string | null = null, records = 0;
    const checkpoints = new Set<number>();
    for (let n = 1; ; n++) {
      if (n > f.maxPages) throw new InputError("input_format", `more than ${f.maxPages} pages: narrow the window or raise --max-pages`);
      const page = await fetchAnswerPage(f, q, cursor, f.retries, (s) => say(`page ${n}: the service has no anchored answer yet, waiting ${s} s`));
      const raw = asStreamAnswerCandidate(page.answer, `page ${n} of the service's answer`);
      reader ??= await connectForAnswer(f.rpc, raw, f.contract);
      const outcome = await verifyAnswerWith(reader, raw);
      if (!outcome.ok) {
        process.stderr.write(`${formatAnswerOutcome(`(page ${n})`, outcome)}\notledger query: page ${n} failed verification: nothing written\n`);
        return 1;
      }
      const answer = raw as StreamAnswer;
      if (prev !== undefined) {
        const link = checkPageContinues(prev, answer, n);
        if (!link.ok) {
          process.stderr.write(`otledger query: ✗ page_chain: ${link.code} — ${link.message}\n  expected: ${JSON.stringify(link.expected)}\n  computed: ${JSON.stringify(link.computed)}\nnothing written\n`);
          return 1;
        }
      } else if (answer.window.from !== f.from || answer.window.to !== f.to) {
        say(`note: the service answered the window [${answer.window.from}, ${answer.window.to}) (your grant's part of the one asked)`);
      }
      await sink.write(answerRows(answer));
      records += answer.records.length;
      checkpoints.add(answer.anchor.checkpointIndex);
      say(`page ${n}: ${answer.records.length} records verified at checkpoint ${answer.anchor.checkpointIndex}`);
      if (!answer.truncated) break;
      // Without a cursor the spec's rule applies: the next page asks for the window from the next record's start.
      cursor = page.next;
      if (cursor === null) q.from = answer.after!.record.header.from;
      prev = answer;
    }
    await sink.commit();
    say(`verified ${records} records (checkpoints ${[...checkpoints].join(", ")}); wrote ${sink.rows} ${kind === "events" ? "events" : "samples"}${f.out ? ` to ${f.out}` : ""}`);
    return 0;
  } finally {
    reader?.close();
    await sink.abort();
  }
}
