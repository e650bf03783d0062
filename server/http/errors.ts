// One error shape for every route: { statusCode, code, message, path, ...evidence }. Never a 5xx for bad input;
// every 5xx is logged at error level with its request id (the request's child logger carries reqId).
import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from "../db/unavailable.ts";

/** Any error carrying an HTTP status, a literal code and a field path (IngestError and the API's errors). */
export type CodedError = Error & { statusCode: number; code: string; path?: (string | number)[]; details?: Record<string, unknown> };

export type ErrorBody = { statusCode: number; code: string; message: string; path: (string | number)[]; [evidence: string]: unknown };

export function isCodedError(err: unknown): err is CodedError {
  if (!(err instanceof Error)) return false;
  const e = err as Partial<CodedError>;
  return typeof e.statusCode === "number" && typeof e.code === "string" && Array.isArray(e.path);
}

/** "/records/3/seq" -> ["records", 3, "seq"] */
export function pathFromPointer(pointer: string): (string | number)[] {
  return pointer.split("/").filter((s) => s !== "").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Fastify's own errors that are the client's fault, by their FST_ code. */
const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "body_too_large" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: "unsupported_media_type" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: "body_empty" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "invalid_content_length" },
  FST_ERR_BAD_URL: { status: 400, code: "bad_url" },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: "uri_too_long" },
};

const body = (statusCode: number, code: string, message: string, path: (string | number)[] = []): ErrorBody => ({ statusCode, code, message, path });

/** The service's answer to any error thrown while handling a request. */
export function errorBody(err: FastifyError): ErrorBody {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0]!;
    return {
      ...body(400, "schema_invalid", `${err.validationContext ?? "body"}${first.instancePath}: ${first.message}`, pathFromPointer(first.instancePath)),
      location: err.validationContext ?? "body",
      issues: err.validation.slice(0, 20).map((v) => ({ path: pathFromPointer(v.instancePath), message: v.message })),
    };
  }
  if (isCodedError(err)) return { ...body(err.statusCode, err.code, err.message, err.path), ...err.details };
  const mapped = FASTIFY_CODES[err.code];
  if (mapped !== undefined) return body(mapped.status, mapped.code, err.message);
  if (err instanceof SyntaxError || err.code === "FST_ERR_CTP_INVALID_JSON_BODY") return body(400, "invalid_json", err.message);
  if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) return body(err.statusCode, err.code ?? "bad_request", err.message);
  if (isDatabaseUnavailable(err)) return body(503, "database_unavailable", "the database cannot be reached now; retry later");
  if (err.statusCode === 503) return body(503, err.code ?? "unavailable", err.message);
  return body(500, "internal", "internal error");
}

const logged = new WeakSet<FastifyRequest>();

/** Logs a 5xx once per request, at error level, through the request's logger (so with its reqId). */
export function logServerError(request: FastifyRequest, statusCode: number, code?: string, err?: unknown): void {
  if (logged.has(request)) return;
  logged.add(request);
  request.log.error({ err, statusCode, code, method: request.method, url: request.url }, "request failed");
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const answer = errorBody(err);
    if (answer.statusCode >= 500) logServerError(request, answer.statusCode, answer.code, err);
    if (answer.code === "database_unavailable") reply.header("retry-after", String(DATABASE_RETRY_AFTER_SECONDS));
    return reply.code(answer.statusCode).send(answer);
  });
  // 5xx replies sent without throwing (load shedding, a handler's own 503) are logged too.
  app.addHook("onResponse", async (request, reply) => {
    if (reply.statusCode >= 500) logServerError(request, reply.statusCode);
  });
}
