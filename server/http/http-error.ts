// The one typed error shape of the service: an HTTP status, a literal code from the subclass's union, the offending
// field path and the evidence. server/http/errors.ts renders any of them as { statusCode, code, message, path, ...details }.
export class HttpError<Code extends string> extends Error {
  readonly statusCode: number;
  readonly code: Code;
  readonly path: (string | number)[];
  readonly details: Record<string, unknown>;
  constructor(statusCode: number, code: Code, message: string, path: (string | number)[] = [], details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.code = code;
    this.path = path;
    this.details = details;
  }

  toJSON(): Record<string, unknown> {
    return { statusCode: this.statusCode, code: this.code, message: this.message, path: this.path, ...this.details };
  }
}
