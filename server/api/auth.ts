// Bearer authentication and role checks for the API's routes. A route states who may call it in
// `config.roles`; routes without it (GET /v1/info) are public. Keys and secrets are never logged.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type pg from "pg";
import { ApiError } from "./errors.ts";
import { parseKey, verifySecret, VerifiedKeyCache } from "./keys.ts";
import { authRow, type Principal } from "./principals-db.ts";
import type { Role } from "./schemas-admin.ts";

/** An authenticated principal; `hidden` are devices partners never see (the access log's own device). */
export type Caller = Principal & { keyId: string; hidden: readonly string[] };

declare module "fastify" {
  interface FastifyRequest {
    caller?: Caller;
  }
  interface FastifyContextConfig {
    roles?: readonly Role[];
  }
}

export const READERS = ["partner", "auditor"] as const satisfies readonly Role[];
export const ADMINS = ["admin"] as const satisfies readonly Role[];

/** The key id of a well-formed bearer token (for rate-limit buckets), without checking it. */
export function bearerKeyId(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== "string" || !header.startsWith("Bearer ")) return undefined;
  return parseKey(header.slice(7).trim())?.id;
}

export function installAuth(app: FastifyInstance, db: pg.Pool, cache: VerifiedKeyCache, hidden: readonly string[]): void {
  app.decorateRequest("caller", undefined);
  app.addHook("onRequest", async (request) => {
    const roles = request.routeOptions.config.roles;
    if (roles === undefined) return;
    const caller = { ...(await authenticate(request, db, cache)), hidden };
    if (!roles.includes(caller.role)) {
      throw new ApiError(403, "forbidden", `this route is for ${roles.join(" or ")} principals, not ${caller.role}`, ["authorization"]);
    }
    request.caller = caller;
    request.log.debug({ principal: caller.id, keyId: caller.keyId }, "authenticated");
  });
}

async function authenticate(request: FastifyRequest, db: pg.Pool, cache: VerifiedKeyCache): Promise<Principal & { keyId: string }> {
  const header = request.headers.authorization;
  const unauthenticated = (why: string) => new ApiError(401, "unauthenticated", why, ["authorization"]);
  if (typeof header !== "string" || !header.startsWith("Bearer ")) throw unauthenticated("an API key is required: Authorization: Bearer otl_…");
  const parsed = parseKey(header.slice(7).trim());
  if (parsed === undefined) throw unauthenticated("the API key is malformed");
  const row = await authRow(db, parsed.id);
  if (row === undefined) throw unauthenticated("the API key is not valid");
  if (row.revoked) {
    cache.forget(parsed.id);
    throw unauthenticated("the API key was revoked");
  }
  if (!cache.has(parsed.id, parsed.secret)) {
    if (!(await verifySecret(parsed.secret, row.secretHash))) throw unauthenticated("the API key is not valid");
    cache.add(parsed.id, parsed.secret);
  }
  return { ...row.principal, keyId: parsed.id };
}
