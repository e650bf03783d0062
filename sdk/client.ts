// The typed HTTP client of the ledger service: openapi-fetch over the types openapi-typescript generated from the
// service's own OpenAPI document (sdk/generated/api.ts, `npm run sdk:generate`). Plain fetch: Node and browsers.
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./generated/api.ts";
import { httpError, LedgerApiError } from "./errors.ts";

export type { paths } from "./generated/api.ts";
export type LedgerApi = Client<paths>;

export type LedgerApiOptions = {
  baseUrl: string;
  /** Bearer API key (otl_…). */
  apiKey?: string;
  /** "reads": send the key on GETs only (envelopes authenticate by their device signature). Default "all". */
  authorize?: "all" | "reads";
  /** Per-request timeout; none by default. */
  timeoutMs?: number;
  /** Another fetch (tests, a proxy); default globalThis.fetch. */
  fetch?: (request: Request) => Promise<Response>;
};

/** The fetch every SDK request goes through: the key, the timeout, and LedgerApiError("unreachable") on a network failure. */
export function ledgerFetch(o: LedgerApiOptions): (request: Request) => Promise<Response> {
  const baseUrl = o.baseUrl.replace(/\/+$/, "");
  const send = o.fetch ?? ((request: Request) => globalThis.fetch(request));
  return async (request: Request) => {
    if (o.apiKey && (o.authorize !== "reads" || request.method === "GET")) request.headers.set("authorization", `Bearer ${o.apiKey}`);
    const timed = o.timeoutMs === undefined ? request : new Request(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(o.timeoutMs)]) });
    try {
      return await send(timed);
    } catch (err) {
      throw new LedgerApiError("unreachable", `cannot reach the ledger service at ${baseUrl}: ${(err as Error).message}`);
    }
  };
}

/** A typed client; a network failure or timeout throws LedgerApiError("unreachable"). */
export function createLedgerApi(o: LedgerApiOptions): LedgerApi {
  return createClient<paths>({ baseUrl: o.baseUrl.replace(/\/+$/, ""), fetch: ledgerFetch(o) });
}

/** The data of a 2xx answer, or the service's error as a LedgerApiError. */
export async function answered<D>(what: string, call: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  const { data, error, response } = await call;
  if (!response.ok) throw httpError(what, response.status, error);
  return data as D;
}
