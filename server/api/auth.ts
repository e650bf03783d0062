// Bearer authentication, rate limits and role checks for the API's routes. A route states who may call it in
// `config.roles`; routes without it (GET /v1/info) are public. Keys and secrets are never logged.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type pg from "pg";
import { clientAddress, type RateBucket } from "../http/rate-limit.ts";
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

/** Budgets: `principal` for verified callers; `address` for everything not verified (public routes, failed keys). */
export type AuthRateLimits = { principal: RateBucket; address: RateBucket };

export function installAuth(app: FastifyInstance, db: pg.Pool, cache: VerifiedKeyCache, hidden: readonly string[], limits: AuthRateLimits): void {
  app.decorateRequest("caller", undefined);
  app.addHook("onRequest", async (request, reply) => {
    const roles = request.routeOptions.config.roles;
    let charged = false;
    const chargeAddress = async () => {
      if (!charged) { charged = true; await limits.address(request, reply, clientAddress(request)); }
    };
    if (roles === undefined) return chargeAddress();
    const caller = { ...(await authenticate(request, db, cache, chargeAddress)), hidden };
    // Authenticate first, then limit: the bucket is the verified principal, never the key id a request claims.
    await limits.principal(request, reply, String(caller.id));
    if (!roles.includes(caller.role)) {
      throw new ApiError(403, "forbidden", `this route is for ${roles.join(" or ")} principals, not ${caller.role}`, ["authorization"]);
    }
    request.caller = caller;
    request.log.debug({ principal: caller.id, keyId: caller.keyId }, "authenticated");
  });
}

/**
 * The verified principal, or 401. Every failure, and every key not verified yet in this process (scrypt ahead),
 * is first charged to the client address (`unverified`, at most once): junk secrets cost their sender's budget.
 */
async function authenticate(request: FastifyRequest, db: pg.Pool, cache: VerifiedKeyCache, unverified: () => Promise<void>): Promise<Principal & { keyId: string }> {
  const header = request.headers.authorization;
  const unauthenticated = async (why: string) => {
    await unverified();
    return new ApiError(401, "unauthenticated", why, ["authorization"]);
  };
  if (typeof header !== "string" || !header.startsWith("Bearer ")) throw await unauthenticated("an API key is required: Authorization: Bearer otl_…");
  const parsed = parseKey(header.slice(7).trim());
  if (parsed === undefined) throw await unauthenticated("the API key is malformed");
  const known = cache.has(parsed.id, parsed.secret);
  if (!known) await unverified();
  const row = await authRow(db, parsed.id);
  if (row === undefined) throw await unauthenticated("the API key is not valid");
  if (row.revoked) {
    cache.forget(parsed.id);
    throw await unauthenticated("the API key was revoked");
  }
  if (!known) {
    if (!(await verifySecret(parsed.secret, row.secretHash))) throw await unauthenticated("the API key is not valid");
    cache.add(parsed.id, parsed.secret);
  }
  return { ...row.principal, keyId: parsed.id };
}
