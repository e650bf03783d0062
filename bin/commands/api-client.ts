// A small client for the service's admin and read API, shared by the `device` and `partner` commands.
// Errors the user can fix (bad key, unknown device, service down) become ApiClientError: one line, no stack.
import type { Command } from "commander";

export class ApiClientError extends Error {
  readonly code: "unreachable" | "http_error" | "missing_key";
  readonly status: number | null;
  constructor(code: ApiClientError["code"], message: string, status: number | null = null) {
    super(message);
    this.name = "ApiClientError";
    this.code = code;
    this.status = status;
  }
}

export type ApiOptions = { api: string; apiKey?: string };

/** Adds --api and --api-key (env OTLEDGER_API, OTLEDGER_API_KEY) to a command. */
export function withApiOptions(command: Command): Command {
  return command
    .option("--api <url>", "ledger service URL (env OTLEDGER_API)", process.env.OTLEDGER_API ?? "http://127.0.0.1:8080")
    .option("--api-key <key>", "admin API key (env OTLEDGER_API_KEY)", process.env.OTLEDGER_API_KEY);
}

export async function callApi<T>(opts: ApiOptions, method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
  if (!opts.apiKey) throw new ApiClientError("missing_key", "an API key is required: pass --api-key or set OTLEDGER_API_KEY");
  let res: Response;
  try {
    res = await fetch(new URL(path, opts.api), {
      method,
      headers: { authorization: `Bearer ${opts.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiClientError("unreachable", `cannot reach the ledger service at ${opts.api}: ${(err as Error).message}`);
  }
  const text = await res.text();
  const json: unknown = text.length > 0 ? JSON.parse(text) : null;
  if (!res.ok) {
    const e = (json ?? {}) as { code?: string; message?: string; path?: unknown[] };
    const where = Array.isArray(e.path) && e.path.length > 0 ? ` (at ${e.path.join(".")})` : "";
    throw new ApiClientError("http_error", `${res.status} ${e.code ?? "error"}: ${e.message ?? text}${where}`, res.status);
  }
  return json as T;
}

/** Runs a command action, printing user-fixable errors as one line with exit code 2. */
export function clientAction<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (!(err instanceof ApiClientError)) throw err;
      process.stderr.write(`otledger: ${err.message}\n`);
      process.exitCode = 2;
    }
  };
}

export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};
