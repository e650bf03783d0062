// The `device`, `partner` and `erase` commands' access to the service: the SDK's typed client (sdk/client.ts),
// with --api / --api-key options. Errors the user can fix (bad key, unknown device, service down) are one line
// and exit code 2, no stack.
import type { Command } from "commander";
import { answered, createLedgerApi, type LedgerApi } from "../../sdk/client.ts";
import { LedgerApiError } from "../../sdk/errors.ts";

export type ApiOptions = { api: string; apiKey?: string };

/** Adds --api and --api-key (env OTLEDGER_API, OTLEDGER_API_KEY) to a command. */
export function withApiOptions(command: Command): Command {
  return command
    .option("--api <url>", "ledger service URL (env OTLEDGER_API)", process.env.OTLEDGER_API ?? "http://127.0.0.1:8080")
    .option("--api-key <key>", "admin API key (env OTLEDGER_API_KEY)", process.env.OTLEDGER_API_KEY);
}

/** The typed client for the command's --api and --api-key; every admin call needs the key. */
export function apiOf(opts: ApiOptions): LedgerApi {
  if (!opts.apiKey) throw new LedgerApiError("missing_key", "an API key is required: pass --api-key or set OTLEDGER_API_KEY");
  return createLedgerApi({ baseUrl: opts.api, apiKey: opts.apiKey });
}

/** The data of the answer, or the service's error as "<status> <code>: <message> (at <path>)". */
export const data = <D>(call: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> => answered("", call);

/** Runs a command action, printing user-fixable errors as one line with exit code 2. */
export function clientAction<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (!(err instanceof LedgerApiError)) throw err;
      process.stderr.write(`otledger: ${err.message}\n`);
      process.exitCode = 2;
    }
  };
}

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};
