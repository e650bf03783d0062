// What the SDK's callers can act on: the service was unreachable, refused the key, or answered an error (with the
// service's literal code and field path), or answered something that is not what the contract says.
export type LedgerApiErrorCode = "unreachable" | "unauthorized" | "http_error" | "bad_answer" | "missing_key";

export class LedgerApiError extends Error {
  readonly code: LedgerApiErrorCode;
  /** The HTTP status, or null when there was no answer. */
  readonly status: number | null;
  /** The service's error `code` (server/http/errors.ts), when it answered one. */
  readonly serviceCode: string | null;
  /** The offending field, as the service reported it. */
  readonly path: (string | number)[];
  readonly body: unknown;
  constructor(code: LedgerApiErrorCode, message: string, evidence: { status?: number | null; serviceCode?: string | null; path?: (string | number)[]; body?: unknown } = {}) {
    super(message);
    this.name = "LedgerApiError";
    this.code = code;
    this.status = evidence.status ?? null;
    this.serviceCode = evidence.serviceCode ?? null;
    this.path = evidence.path ?? [];
    this.body = evidence.body;
  }
}

type ServiceError = { code?: unknown; message?: unknown; path?: unknown };

/** A LedgerApiError for a non-2xx answer: "[<what>: ]<status> <code>: <message> (at <path>)". 401/403 are `unauthorized`. */
export function httpError(what: string, status: number, body: unknown, hint = ""): LedgerApiError {
  const e = (typeof body === "object" && body !== null ? body : {}) as ServiceError;
  const serviceCode = typeof e.code === "string" ? e.code : null;
  const path = Array.isArray(e.path) ? (e.path as (string | number)[]) : [];
  const where = path.length > 0 ? ` (at ${path.join(".")})` : "";
  const message = typeof e.message === "string" ? e.message : typeof body === "string" ? body : "";
  const code = status === 401 || status === 403 ? "unauthorized" : "http_error";
  const prefix = what === "" ? "" : `${what}: `;
  return new LedgerApiError(code, `${prefix}${status} ${serviceCode ?? "error"}: ${message}${where}${hint}`, { status, serviceCode, path, body });
}
