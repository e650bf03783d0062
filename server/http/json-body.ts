// The JSON body parser of every route: Fastify's own (empty body, syntax, __proto__/constructor poisoning), then
// the refusal of what JSON.parse lets through (json-scan.ts), with the path: a repeated key (400 duplicate_key),
// so every reader sees the same object, and an ill-formed string (400 schema_invalid), on every route's body.
import type { FastifyInstance } from "fastify";
import { FrontError } from "./front-error.ts";
import { findJsonDefect } from "./json-scan.ts";

export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, text, done) => {
    parseJson(request, text as string, (err, value) => {
      if (err) return done(err, undefined);
      const defect = findJsonDefect(text as string);
      if (defect === undefined) return done(null, value);
      const where = defect.path.join(".") || "(root)";
      done(defect.kind === "duplicate_key"
        ? new FrontError(400, "duplicate_key", `duplicate key at ${where} (RFC 7493): which one counts would depend on the reader`, defect.path)
        : new FrontError(400, "schema_invalid", `body.${where}: ill-formed string: lone UTF-16 surrogate (no UTF-8 or RFC 8785 form)`, defect.path, { location: "body" }), undefined);
    });
  });
}
