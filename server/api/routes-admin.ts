// Admin routes: principals, their keys (shown once) and partner grants. Revocation sets revoked_at.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS, type Caller } from "./auth.ts";
import { ApiError } from "./errors.ts";
import type { VerifiedKeyCache } from "./keys.ts";
import { createGrant, createKey, createPrincipal, getPrincipal, listGrants, listKeys, listPrincipals, revokeGrant, revokeKey } from "./principals-db.ts";
import { GrantInput, GrantSchema, IdParams, KeyIdParams, KeyInput, KeySchema, NewKeySchema, PrincipalInput, PrincipalSchema } from "./schemas-admin.ts";
import { adminErrors, adminReadErrors, INPUT_ERRORS, security } from "./schemas-common.ts";

const config = { roles: ADMINS } as const;
const tags = ["admin"];

export function adminRoutes(cache: VerifiedKeyCache): FastifyPluginAsyncZod {
  return async (app) => {
    const { db } = app.ledger;
    const principal = async (id: number) => {
      const p = await getPrincipal(db, id);
      if (p === undefined) throw new ApiError(404, "principal_not_found", `principal ${id} not found`, ["id"]);
      return p;
    };
    const audit = (caller: Caller | undefined, action: string, data: object) => app.log.info({ admin: caller?.id, action, ...data }, "admin action");

    app.post("/admin/principals", {
      config, schema: { tags, operationId: "createPrincipal", summary: "Create a principal", security, body: PrincipalInput, response: { 201: PrincipalSchema, ...adminErrors({ 409: ["principal_exists"] }) } },
    }, async (request, reply) => {
      const created = await createPrincipal(db, request.body.name, request.body.role);
      if (created === undefined) throw new ApiError(409, "principal_exists", `a principal named ${request.body.name} exists`, ["name"]);
      audit(request.caller, "principal.create", { principal: created.id, role: created.role });
      return reply.code(201).send(created);
    });

    app.get("/admin/principals", {
      config, schema: { tags, operationId: "listPrincipals", summary: "List principals", security, response: { 200: z.object({ principals: z.array(PrincipalSchema) }), ...adminReadErrors() } },
    }, async () => ({ principals: await listPrincipals(db) }));

    app.post("/admin/principals/:id/keys", {
      config, schema: { tags, operationId: "createKey", summary: "Create an API key (returned once)", security, params: IdParams, body: KeyInput.optional(), response: { 201: NewKeySchema, ...adminErrors({ 404: ["principal_not_found"] }) } },
    }, async (request, reply) => {
      await principal(request.params.id);
      const key = await createKey(db, request.params.id, request.body?.label ?? null);
      audit(request.caller, "key.create", { principal: request.params.id, keyId: key.id });
      return reply.code(201).header("cache-control", "no-store").send(key);
    });

    app.get("/admin/principals/:id/keys", {
      config, schema: { tags, operationId: "listKeys", summary: "List a principal's keys (never the secrets)", security, params: IdParams, response: { 200: z.object({ keys: z.array(KeySchema) }), ...adminReadErrors(INPUT_ERRORS, { 404: ["principal_not_found"] }) } },
    }, async (request) => {
      await principal(request.params.id);
      return { keys: await listKeys(db, request.params.id) };
    });

    app.delete("/admin/keys/:keyId", {
      config, schema: { tags, operationId: "revokeKey", summary: "Revoke a key; answers the key as revoked", security, params: KeyIdParams, response: { 200: KeySchema, ...adminErrors({ 404: ["key_not_found"] }) } },
    }, async (request) => {
      const key = await revokeKey(db, request.params.keyId);
      if (key === undefined) throw new ApiError(404, "key_not_found", `key ${request.params.keyId} not found`, ["keyId"]);
      cache.forget(request.params.keyId);
      audit(request.caller, "key.revoke", { keyId: request.params.keyId });
      return key;
    });

    app.post("/admin/principals/:id/grants", {
      config, schema: { tags, operationId: "createGrant", summary: "Grant a partner read access (site, device, kind, stream, time window, expiry)", security, params: IdParams, body: GrantInput, response: { 201: GrantSchema, ...adminErrors({ 400: ["grant_invalid"], 404: ["principal_not_found"] }) } },
    }, async (request, reply) => {
      const p = await principal(request.params.id);
      if (p.role !== "partner") throw new ApiError(400, "grant_invalid", `grants apply to partners; principal ${p.id} is ${p.role}`, ["id"]);
      const grant = await createGrant(db, p.id, request.body);
      audit(request.caller, "grant.create", { principal: p.id, grant: grant.id });
      return reply.code(201).send(grant);
    });

    app.get("/admin/principals/:id/grants", {
      config, schema: { tags, operationId: "listGrants", summary: "List a principal's grants", security, params: IdParams, response: { 200: z.object({ grants: z.array(GrantSchema) }), ...adminReadErrors(INPUT_ERRORS, { 404: ["principal_not_found"] }) } },
    }, async (request) => {
      await principal(request.params.id);
      return { grants: await listGrants(db, request.params.id) };
    });

    app.delete("/admin/grants/:id", {
      config, schema: { tags, operationId: "revokeGrant", summary: "Revoke a grant; answers the grant as revoked", security, params: IdParams, response: { 200: GrantSchema, ...adminErrors({ 404: ["grant_not_found"] }) } },
    }, async (request) => {
      const grant = await revokeGrant(db, request.params.id);
      if (grant === undefined) throw new ApiError(404, "grant_not_found", `grant ${request.params.id} not found`, ["id"]);
      audit(request.caller, "grant.revoke", { grant: request.params.id });
      return grant;
    });
  };
}
