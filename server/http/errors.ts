// One error shape for every route: { statusCode, code, message, path, ...evidence }. Never a 5xx for bad input.
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from "../db/unavailable.ts";

/** Any error carrying an HTTP status, a literal code and a field path (IngestError and the API's errors). */
export type CodedError = Error & { statusCode: number; code: string; path?: (string | number)[]; details?: Record<string, unknown> };

export function isCodedError(err: unknown): err is CodedError {
  if (!(err instanceof Error)) return false;
  const e = err as Partial<CodedError>;
  return typeof e.statusCode === "number" && typeof e.code === "string" && Array.isArray(e.path);
}

/** "/records/3/seq" -> ["records", 3, "seq"] */
export function pathFromPointer(pointer: string): (string | number)[] {
  return pointer.split("/").filter((s) => s !== "").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "body_too_large" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: "unsupported_media_type" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: "body_empty" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "invalid_content_length" },
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const first = err.validation[0]!;
      return reply.code(400).send({
        statusCode: 400, code: "schema_invalid", message: `${err.validationContext ?? "body"}${first.instancePath}: ${first.message}`,
        path: pathFromPointer(first.instancePath),
        location: err.validationContext ?? "body",
        issues: err.validation.slice(0, 20).map((v) => ({ path: pathFromPointer(v.instancePath), message: v.message })),
      });
    }
    if (isCodedError(err)) {
      return reply.code(err.statusCode).send({ statusCode: err.statusCode, code: err.code, message: err.message, path: err.path, ...err.details });
    }
    const mapped = FASTIFY_CODES[err.code];
    if (mapped !== undefined) return reply.code(mapped.status).send({ statusCode: mapped.status, code: mapped.code, message: err.message, path: [] });
    if (err instanceof SyntaxError || err.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
      return reply.code(400).send({ statusCode: 400, code: "invalid_json", message: err.message, path: [] });
    }
    if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ statusCode: err.statusCode, code: err.code ?? "bad_request", message: err.message, path: [] });
    }
    if (isDatabaseUnavailable(err)) {
      request.log.error({ err: err.message }, "database unavailable: answered 503 for a retry");
      return reply.code(503).header("retry-after", String(DATABASE_RETRY_AFTER_SECONDS)).send({ statusCode: 503, code: "database_unavailable", message: "the database cannot be reached now; retry later", path: [] });
    }
    if (err.statusCode === 503) return reply.code(503).send({ statusCode: 503, code: err.code ?? "unavailable", message: err.message, path: [] });
    request.log.error({ err }, "unhandled error");
    return reply.code(500).send({ statusCode: 500, code: "internal", message: "internal error", path: [] });
  });
}
