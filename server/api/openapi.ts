// The OpenAPI 3.1 document (GET /openapi.json) and Swagger UI (/docs), generated from the routes' zod schemas.
// Registered by the app before any route (swagger collects routes as they are added), so ingest, ops and the
// partner API are all in it.
import fp from "fastify-plugin";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform } from "fastify-type-provider-zod";

export const openapiDocs = fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "otledger API", version: "1",
        description: "Ingest (POST /v1/envelopes), operations, and the partner, auditor and admin API: scoped queries, proof bundles (docs/PROTOCOL.md) and exports (docs/AUDIT-FORMAT.md). Errors are { statusCode, code, message, path, ...evidence }.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "API key otl_…" } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}, { name: "otledger-openapi", fastify: "5.x" });
