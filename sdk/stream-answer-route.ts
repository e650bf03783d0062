// GET /v1/streams/answer?device&name&from&to&limit&cursor, by its contract: 200 an otledger.stream-answer/1
// (core/stream-answer.ts), 202 { status: "pending", retryAfterSeconds } until the range is anchored, 404 unknown
// stream. Typed here by hand because the route lands on another branch; once it is in sdk/generated/api.ts the
// generated `paths` type it too, and these declarations must agree with it (the client is the same openapi-fetch).
import createClient from "openapi-fetch";
import { httpError } from "./errors.ts";
import { ledgerFetch, type LedgerApiOptions } from "./client.ts";

export type StreamAnswerQuery = { device: string; name: string; from?: string; to?: string; limit?: number; cursor?: string };
export type StreamAnswerAnswer = { status: "answered"; answer: unknown; next: string | null } | { status: "pending"; retryAfterSeconds: number };

type JsonAnswer<T> = { headers: Record<string, unknown>; content: { "application/json": T } };
type StreamAnswerPaths = {
  "/v1/streams/answer": {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query: StreamAnswerQuery; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: { 200: JsonAnswer<unknown>; 202: JsonAnswer<{ status: "pending"; retryAfterSeconds: number }>; 404: JsonAnswer<unknown> };
    };
    put?: never; post?: never; delete?: never; options?: never; head?: never; patch?: never; trace?: never;
  };
};

type Options = Omit<LedgerApiOptions, "authorize">;

/** One GET /v1/streams/answer; null when the ledger knows no such stream (404). */
export async function fetchStreamAnswer(o: Options, query: StreamAnswerQuery): Promise<StreamAnswerAnswer | null> {
  // the same fetch (key, timeout, unreachable error) as the generated client, typed by the contract above
  const api = createClient<StreamAnswerPaths>({ baseUrl: o.baseUrl.replace(/\/+$/, ""), fetch: ledgerFetch(o) });
  const { data, error, response } = await api.GET("/v1/streams/answer", { params: { query } });
  if (response.status === 404) return null;
  if (!response.ok) throw httpError("GET /v1/streams/answer", response.status, error);
  if (response.status === 202) {
    const pending = data as { retryAfterSeconds?: unknown };
    const retry = Number(pending.retryAfterSeconds ?? response.headers.get("retry-after") ?? 1);
    return { status: "pending", retryAfterSeconds: Number.isFinite(retry) && retry > 0 ? retry : 1 };
  }
  // the cursor of the next page rides beside the answer, which is a closed object: split it off before verifying
  if (typeof data !== "object" || data === null || !("next" in data)) return { status: "answered", answer: data, next: null };
  const { next, ...answer } = data as { next: unknown };
  return { status: "answered", answer, next: typeof next === "string" && next.length > 0 ? next : null };
}
