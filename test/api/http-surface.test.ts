// The HTTP surface: per-principal rate limits, helmet headers, the generated OpenAPI 3.1 document and Swagger UI.
import t from "tap";
import { stopTestCluster } from "../helpers/postgres.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

t.test("rate limits per principal, security headers, OpenAPI", async (t) => {
  const api = await startApiLedger({ api: { rateLimitPerMinute: 5 } });
  t.teardown(() => api.close());
  const [a, b] = [await api.principal("a", "auditor"), await api.principal("b", "auditor")];
  for (let i = 0; i < 5; i++) t.equal((await api.get("/v1/checkpoints", a.key)).statusCode, 200);
  const limited = await api.get("/v1/checkpoints", a.key);
  t.equal(limited.statusCode, 429);
  t.match(limited.json(), { code: "rate_limited", path: ["authorization"] });
  t.ok(limited.headers["retry-after"], "says when to retry");
  t.equal((await api.get("/v1/checkpoints", b.key)).statusCode, 200, "another principal has its own budget");

  const res = await api.get("/v1/checkpoints", b.key);
  t.equal(res.headers["x-content-type-options"], "nosniff", "helmet");
  t.ok(res.headers["strict-transport-security"], "helmet");

  const doc = await api.get("/openapi.json");
  t.equal(doc.statusCode, 200);
  const spec = doc.json();
  t.equal(spec.openapi, "3.1.0");
  for (const path of ["/v1/records", "/v1/records/{hash}", "/v1/records/{hash}/proof", "/v1/checkpoints", "/v1/checkpoints/latest",
    "/v1/checkpoints/consistency", "/v1/devices", "/v1/info", "/v1/export", "/v1/access-log", "/v1/admin/principals", "/v1/admin/devices"]) {
    t.ok(spec.paths[path], `documents ${path}`);
  }
  const list = spec.paths["/v1/records"].get;
  t.same(list.parameters.map((p: { name: string }) => p.name).sort(), ["asset", "cursor", "device", "eventType", "from", "kind", "limit", "site", "tag", "to"], "query parameters from the zod schema");
  t.same(list.security, [{ bearer: [] }]);
  t.ok(spec.components.securitySchemes.bearer);
  const ui = await api.get("/docs/");
  t.equal(ui.statusCode, 200);
  t.match(ui.body, /swagger/i);
});
