// Admin erasure routes (issue 12): POST /v1/admin/erasures erases a record's body or an event's personal fields
// (erasure.ts: an erasure record through ingest, then the privileged path); GET lists the erasure records.
// An erasure is an admin action: logged, and written to the access log as well as the erasure record itself.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { accessEntry } from "./access-hook.ts";
import type { AccessLog } from "./access-log.ts";
import { ADMINS } from "./auth.ts";
import { requestErasure } from "./erasure.ts";
import type { ErasureLog } from "./erasure-log.ts";
import { listErasures } from "./erasures-db.ts";
import { adminErrors, adminReadErrors, INPUT_ERRORS, security } from "./schemas-common.ts";
import { ErasureInput, ErasureSchema, ErasuresPage, ErasuresQuery } from "./schemas-erasures.ts";

const config = { roles: ADMINS } as const;
const tags = ["admin"];

export function erasureRoutes(accessLog: AccessLog, erasureLog: ErasureLog): FastifyPluginAsyncZod {
  return async (app) => {
    const { db } = app.ledger;

    app.post("/admin/erasures", {
      config,
      schema: {
        tags, operationId: "createErasure", summary: "Erase a record's body, or an event's personal fields (an erasure record is written first)",
        description: "201: the erasure record was written and the openings cleared. 200: the record already has an erasure of this scope (it is answered, and finished if pending).",
        security, body: ErasureInput,
        response: {
          201: ErasureSchema, 200: ErasureSchema,
          ...adminErrors({ 404: ["not_found"], 409: ["record_already_erased", "erasure_target_invalid", "record_openings_missing"], 422: ["erasure_scope_invalid"] }),
        },
      },
    }, async (request, reply) => {
      const caller = request.caller!;
      const { status, erasure } = await requestErasure(db, erasureLog, { ...request.body, requestedBy: `${caller.role}:${caller.name}`.slice(0, 128) });
      request.log.info({ admin: caller.id, action: "erasure.create", erasure: erasure.hash, target: erasure.target, scope: erasure.scope, status }, "admin action");
      // The erasure record is the durable account; the access log entry says which admin request made it.
      await accessLog.append(accessEntry(request, 1, { action: "erasure.create", status, erasure: erasure.hash })).catch((err: unknown) => {
        request.log.error({ err: (err as Error).message }, "access record of an erasure could not be written");
      });
      return reply.code(status).send(erasure);
    });

    app.get("/admin/erasures", {
      config,
      schema: { tags, operationId: "listErasures", summary: "Erasure records in log order, with whether each is cleared", security, querystring: ErasuresQuery, response: { 200: ErasuresPage, ...adminReadErrors(INPUT_ERRORS) } },
    }, async (request) => {
      const { after, limit } = request.query;
      const erasures = await listErasures(db, after ?? -1, limit);
      return { erasures, next: erasures.length === limit ? erasures[erasures.length - 1]!.index : null };
    });
  };
}
