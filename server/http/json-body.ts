// The JSON body parser of every route: Fastify's own (empty body, syntax, __proto__/constructor poisoning),
// then a refusal of duplicate keys with the path of the repeated one, so every reader sees the same object.
import type { FastifyInstance } from "fastify";
import { FrontError } from "./front-error.ts";
import { findDuplicateKey } from "./json-duplicates.ts";

export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, text, done) => {
    parseJson(request, text as string, (err, value) => {
      if (err) return done(err, undefined);
      const path = findDuplicateKey(text as string);
      if (path === undefined) return done(null, value);
      done(new FrontError(400, "duplicate_key", `duplicate key ${JSON.stringify(path[path.length - 1])} in the JSON body (RFC 7493): which one counts would depend on the reader`, path), undefined);
    });
  });
}
