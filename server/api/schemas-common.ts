// Schema pieces shared by the API's routes (query strings arrive as strings; these coerce and normalise).
import { z } from "zod";
import { BODY_ERRORS, errorResponses, type ErrorSpec, type HttpLayerCode } from "../http/error-responses.ts";
import type { ApiErrorCode } from "./errors.ts";

/** Any-case address, answered lowercase as the protocol spells it. */
export const AddressParam = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected 0x + 40 hex digits").transform((s) => s.toLowerCase());
export const Hex32Param = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x + 64 hex digits").transform((s) => s.toLowerCase());
/** RFC 3339 instant with an offset (answered and compared as UTC). */
export const Instant = z.iso.datetime({ offset: true });
export const Site = z.string().min(1).max(128).regex(/^[\w.:-]+$/, "letters, digits, _ . : - only");
/** The kinds partners read and grants name (access and erasure records are the service's own). */
export const Kind = z.enum(["reading", "series", "event"]);
export type DataKind = z.infer<typeof Kind>;
export const UInt = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A tree size to prove against: at least 1 (the bound is on the coerced number itself, so the document shows it). */
export const TreeSize = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** An instant the service answers (toISOString, UTC). */
export const InstantOut = z.iso.datetime();
export const Limit = (max: number, def: number) => z.coerce.number().int().min(1).max(max).default(def);

type Code = ApiErrorCode | HttpLayerCode;
/** A route's documented error answers (codes checked against the unions at compile time). */
export const apiErrors = (...specs: ErrorSpec<Code>[]) => errorResponses<Code>(...specs);
const AUTH: ErrorSpec<Code> = { 401: ["unauthenticated"], 403: ["forbidden"], 429: ["rate_limited"] };
/** A route with path or query parameters (a GET body is not parsed, so nothing else gives a GET a 400). */
export const INPUT_ERRORS: ErrorSpec<Code> = { 400: ["schema_invalid"] };
/** A partner/auditor read: a key, a role, and an access record (a failed write is a 503). */
export const readerErrors = (...extra: ErrorSpec<Code>[]) => apiErrors(AUTH, { 503: ["access_log_unavailable"] }, ...extra);
/** A streamed read (export): its access record is written when the stream ends, so no 503 for it up front. */
export const streamedReaderErrors = (...extra: ErrorSpec<Code>[]) => apiErrors(AUTH, ...extra);
/** An admin read (GET). */
export const adminReadErrors = (...extra: ErrorSpec<Code>[]) => apiErrors(AUTH, ...extra);
/** An admin change (POST, DELETE): it may carry a body (parsing errors), a key, a role. */
export const adminErrors = (...extra: ErrorSpec<Code>[]) => apiErrors(BODY_ERRORS, AUTH, ...extra);
export const security = [{ bearer: [] as string[] }];

/** A query-string object: an unknown parameter is a 400 naming that parameter (not a path-less "unrecognized keys"). */
export const queryObject = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape).superRefine((q, ctx) => {
  for (const key of Object.keys(q)) if (!Object.hasOwn(shape, key)) ctx.addIssue({ code: "custom", path: [key], message: "unknown query parameter" });
});

/** Free text for queries and names: PostgreSQL text cannot hold U+0000, so it is refused here (400), not there (500). */
export const Text = (max: number) => z.string().min(1).max(max).regex(/^[^\u0000]*$/, "U+0000 is not allowed");
