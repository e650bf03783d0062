// GET /v1/export: NDJSON (docs/AUDIT-FORMAT.md) of the caller's scope, streamed; logged when the stream ends.
import { Readable } from "node:stream";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AccessLog } from "./access-log.ts";
import { accessEntry } from "./access-hook.ts";
import { READERS } from "./auth.ts";
import { exportLines, type ExportCounts } from "./export-stream.ts";
import { ExportQuery } from "./schemas-export.ts";
import { INPUT_ERRORS, security, streamedReaderErrors } from "./schemas-common.ts";
import { ExportLineSchema } from "./schemas-export-lines.ts";
import { scopeOf } from "./scope.ts";

export function exportRoutes(accessLog: AccessLog): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/export", {
      config: { roles: READERS, access: "deferred" },
      schema: {
        tags: ["export"], operationId: "exportRecords", summary: "Records in scope with their envelopes, checkpoints and the log's leaves, as otledger.export/2 NDJSON",
        description: "200 streams one JSON object per line (the schema is one line). Refusals before the stream starts are JSON errors.",
        security, querystring: ExportQuery,
        response: {
          200: { description: "otledger.export/2 NDJSON (docs/AUDIT-FORMAT.md), streamed", content: { "application/x-ndjson": { schema: ExportLineSchema } } },
          ...streamedReaderErrors(INPUT_ERRORS),
        },
      },
    }, async (request, reply) => {
      const scope = await scopeOf(app.ledger.db, request.caller!);
      const counts: ExportCounts = { device: 0, checkpoint: 0, envelope: 0, record: 0, leaves: 0 };
      let completed = false;
      const lines = exportLines(app.ledger, scope, request.query, counts);
      async function* logged() {
        try {
          yield* lines;
          completed = true;
        } finally {
          await accessLog.append(accessEntry(request, counts.record, { completed })).catch((err: unknown) => {
            request.log.error({ err }, "export access record could not be written");
          });
        }
      }
      return reply.type("application/x-ndjson").header("cache-control", "no-store").send(Readable.from(logged(), { objectMode: false }) as never); // a stream: no serializer
    });
  };
}
