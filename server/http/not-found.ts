// Unknown routes answer 404 not_found; a known path asked with another method answers 405 method_not_allowed
// with `Allow` (RFC 9110 §15.5.6). Fastify's router only says "no match", so a shadow router holds every
// registered route (Fastify's own find-my-way, with no-op handlers) to ask which methods the path has.
import Router, { type HTTPMethod } from "find-my-way";
import type { FastifyInstance } from "fastify";
import { FrontError } from "./front-error.ts";

export function installNotFound(app: FastifyInstance): void {
  const routes = Router();
  const methods = new Set<HTTPMethod>();
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat() as HTTPMethod[]) {
      methods.add(method);
      // Constrained twins (same method and path) add no method: the first registration is enough here.
      try { routes.on(method, route.url, () => {}); } catch { /* already known */ }
    }
  });
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split("?", 1)[0]!;
    const allowed = [...methods].filter((m) => routes.find(m, path) !== null).sort();
    if (allowed.length > 0) {
      reply.header("allow", allowed.join(", "));
      return reply.code(405).send(new FrontError(405, "method_not_allowed", `${request.method} is not allowed on ${path}; allowed: ${allowed.join(", ")}`, ["method"], { allowed }).toJSON());
    }
    return reply.code(404).send(new FrontError(404, "not_found", `no route ${request.method} ${path}`, ["url"]).toJSON());
  });
}
