// Documented error answers: the service's one error shape with, per status, the literal `code` values a route can
// answer. The codes are OpenAPI `enum`s (clients get literal unions); on the way out only the shape is checked, so
// a code a route's list lacks still leaves as itself, never as a 500.
import { z } from "zod";

/** Codes the shared layers answer on any route: the error handler (server/http/errors.ts), rate limits, under-pressure. */
export type HttpLayerCode =
  | "schema_invalid" | "invalid_json" | "body_empty" | "invalid_content_length" | "body_too_large" | "unsupported_media_type"
  | "rate_limited" | "internal" | "under_pressure";

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;
export type ErrorSpec<Code extends string> = Partial<Record<ErrorStatus, readonly Code[]>>;

const MEANING: Record<ErrorStatus, string> = {
  400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found", 409: "Conflict", 413: "Too large",
  415: "Unsupported media type", 422: "Unprocessable: valid, but not for this target", 429: "Rate limited (see retry-after)", 500: "Internal error (logged with the request id)", 503: "Unavailable: retry later",
};

/** Every route can answer these. */
export const COMMON_ERRORS: ErrorSpec<HttpLayerCode> = { 500: ["internal"], 503: ["under_pressure"] };
/** Every route with a request body (or that may be sent one) can answer these. */
export const BODY_ERRORS: ErrorSpec<HttpLayerCode> = {
  400: ["schema_invalid", "invalid_json", "body_empty", "invalid_content_length"], 413: ["body_too_large"], 415: ["unsupported_media_type"],
};

export function errorBody(status: ErrorStatus, codes: readonly string[]) {
  return z.object({
    statusCode: z.number().meta({ const: status }),
    code: z.string().meta({ enum: [...codes] }).describe("what went wrong, as a literal"),
    message: z.string(),
    path: z.array(z.union([z.string(), z.number()])).describe("the offending field, [] if none"),
  }).loose().describe(`${MEANING[status]}: ${codes.join(", ")}`);
}

/** Merges error specs (codes deduplicated, in order) into response schemas keyed by status. */
export function errorResponses<Code extends string>(...specs: ErrorSpec<Code>[]): Partial<Record<ErrorStatus, ReturnType<typeof errorBody>>> {
  const merged = new Map<ErrorStatus, Set<string>>();
  for (const spec of [COMMON_ERRORS, ...specs]) {
    for (const [status, codes] of Object.entries(spec) as [string, readonly string[]][]) {
      const s = Number(status) as ErrorStatus;
      const set = merged.get(s) ?? new Set<string>();
      for (const c of codes) set.add(c);
      merged.set(s, set);
    }
  }
  return Object.fromEntries([...merged].sort(([a], [b]) => a - b).map(([s, codes]) => [s, errorBody(s, [...codes])]));
}
