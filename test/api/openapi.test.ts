// The OpenAPI document covers what is served: every route Fastify registered (seen by an onRoute hook installed
// before any plugin) is in it with an operationId, every error answer lists its literal codes, openapi-typescript
// types every path, and real answers (anonymous, auditor, admin) have a documented status, media type and code.
import t from "tap";
import Fastify from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import openapiTS, { astToString } from "openapi-typescript";
import { Wallet } from "ethers";
import { otledgerApi } from "../../server/api/plugin.ts";
import { generateKey } from "../../server/api/keys.ts";
import { otledgerApp } from "../../server/app.ts";
import { loadConfig } from "../../server/config.ts";
import { startTestChain } from "../helpers/chain.ts";
import { TEST_CONFIG } from "../helpers/ledger.ts";
import { migratedDatabase, stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

type CodedSchema = { properties?: { code?: { enum?: string[] } } };
type Media = { schema?: CodedSchema & { anyOf?: CodedSchema[] } };
type Operation = { operationId?: string; responses: Record<string, { content?: Record<string, Media> }> };
type Doc = { paths: Record<string, Record<string, Operation>> };

// The document serves itself and Swagger UI; Fastify answers HEAD for every GET by itself.
const SELF = (url: string) => url === "/openapi.json" || url === "/docs" || url.startsWith("/docs/");
/** The literal codes a response documents (an error body, or the error branch of a union such as /readyz's 503). */
const codesOf = (media: Media | undefined): string[] | undefined =>
  media?.schema?.properties?.code?.enum ?? media?.schema?.anyOf?.flatMap((s) => s.properties?.code?.enum ?? []);
// Fastify's wildcard (the tile routes' /v1/log/tile/*) is documented as the parameter {*}.
const toOpenapiPath = (url: string) => url.replace(/:(\w+)/g, "{$1}").replace(/\*$/, "{*}");
const SAMPLE: Record<string, string> = {
  hash: "0x" + "00".repeat(32), device: "0x" + "00".repeat(20), address: "0x" + "00".repeat(20), firstSeq: "1", id: "1", keyId: "0".repeat(16),
};

const chain = await startTestChain();
t.teardown(() => chain.close());
const registered: { method: string; url: string }[] = [];
const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
app.addHook("onRoute", (route) => {
  for (const method of [route.method].flat()) registered.push({ method, url: route.url });
});
const adminKey = generateKey().key;
await app.register(otledgerApp, {
  config: loadConfig({}, { ...TEST_CONFIG, API_RATE_LIMIT_PER_ADDRESS: 100_000 }), database: await migratedDatabase(), workers: false,
  chain: { rpcUrl: chain.rpcUrl, contract: chain.contract, deployBlock: chain.deployBlock, chainId: chain.chainId, anchorer: new Wallet(chain.anchorerKey) },
});
await app.register(otledgerApi, { serviceKey: Wallet.createRandom() as unknown as Wallet, adminKey, print: () => {} });
await app.ready();
t.teardown(() => app.close());
const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json() as Doc;
const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));

t.test("every registered route is documented, with an operationId", async (t) => {
  const served = registered.filter((r) => r.method !== "HEAD" && !SELF(r.url));
  t.ok(served.some((r) => r.url === "/v1/envelopes") && served.some((r) => r.url === "/healthz"), "the hook saw the app's own routes too");
  for (const r of served) {
    const op = doc.paths[toOpenapiPath(r.url)]?.[r.method.toLowerCase()];
    t.ok(op, `${r.method} ${r.url} is in the document`);
    t.match(op?.operationId, /^[a-z][A-Za-z]+$/, `${r.method} ${r.url} has an operationId`);
  }
  const ids = operations.map((o) => o.op.operationId);
  t.equal(new Set(ids).size, ids.length, "operationIds are unique");
  t.equal(operations.length, served.length, "and nothing is documented that is not served");
});

t.test("every error answer lists its literal codes", async (t) => {
  for (const { path, method, op } of operations) {
    for (const [status, response] of Object.entries(op.responses).filter(([s]) => Number(s) >= 400)) {
      const codes = codesOf(response.content?.["application/json"]);
      t.ok(Array.isArray(codes) && codes.length > 0, `${method} ${path} ${status}: ${codes?.join(", ")}`);
    }
  }
  const ingest = doc.paths["/v1/envelopes"]!.post!;
  t.same(Object.keys(ingest.responses).sort(), ["200", "201", "400", "401", "403", "409", "413", "415", "429", "500", "503"]);
  t.same(ingest.responses["409"]!.content!["application/json"]!.schema!.properties!.code!.enum, ["seq_gap", "seq_overlap", "prev_mismatch", "equivocation", "stream_seq_gap", "stream_prev_mismatch", "stream_time_order", "stream_name_conflict"]);
  const samples = doc.paths["/v1/records/{hash}/samples"]!.get!;
  t.same(samples.responses["409"]!.content!["application/json"]!.schema!.properties!.code!.enum, ["record_has_no_samples", "record_body_erased"], "the samples route documents its 409s");
  t.same(samples.responses["404"]!.content!["application/json"]!.schema!.properties!.code!.enum, ["not_found"]);
  const exported = doc.paths["/v1/export"]!.get!;
  t.same(Object.keys(exported.responses["200"]!.content!), ["application/x-ndjson"], "the export streams NDJSON");
  t.same(Object.keys(exported.responses["401"]!.content!), ["application/json"], "its refusals are JSON, as answered");
});

t.test("consistency proofs document what they accept: both sizes >= 1", async (t) => {
  const params = (doc.paths["/v1/checkpoints/consistency"]!.get as unknown as { parameters: { name: string; schema: { minimum: number } }[] }).parameters;
  t.same(params.map((p) => [p.name, p.schema.minimum]), [["from", 1], ["to", 1]]);
  const auditor = await principal("consistency-reader", "auditor");
  const res = await app.inject({ method: "GET", url: "/v1/checkpoints/consistency?from=0&to=1", headers: { authorization: `Bearer ${auditor}` } });
  t.equal(res.statusCode, 400);
  t.match(res.json(), { statusCode: 400, code: "schema_invalid", path: ["from"] });
});

t.test("openapi-typescript types every path and operation", async (t) => {
  const types = astToString(await openapiTS(doc as never));
  for (const { path, op } of operations) {
    t.ok(types.includes(`"${path}": {`), `paths["${path}"]`);
    t.ok(new RegExp(`\\n    ${op.operationId}: \\{`).test(types), `operations.${op.operationId}`);
  }
  t.match(types, /code: "seq_gap" \| "seq_overlap" \| "prev_mismatch" \| "equivocation"/, "error codes become literal unions");
});

t.test("real answers are documented: status, media type and code", async (t) => {
  const keys = { anonymous: undefined, auditor: await principal("probe-auditor", "auditor"), admin: adminKey };
  for (const { path, method, op } of operations) {
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE[name]!);
    for (const [who, key] of Object.entries(keys)) {
      const res = await app.inject({
        method: method as "GET", url, headers: key === undefined ? {} : { authorization: `Bearer ${key}` }, ...(method === "GET" ? {} : { payload: {} }),
      });
      const documented = op.responses[String(res.statusCode)];
      const what = `${who} ${method} ${path} -> ${res.statusCode} ${res.statusCode >= 400 ? res.json().code : ""}`;
      if (documented === undefined) { t.fail(`${what}: status not documented`); continue; }
      const media = String(res.headers["content-type"]).split(";")[0]!;
      t.ok(documented.content?.[media] !== undefined, `${what}: ${media} documented`);
      if (res.statusCode >= 400) t.ok(codesOf(documented.content?.[media])?.includes(res.json().code), `${what}: code documented`);
    }
  }
  const broken = await app.inject({ method: "POST", url: "/v1/envelopes", headers: { "content-type": "application/json" }, payload: "{" });
  t.match(broken.json(), { statusCode: 400, code: "invalid_json" });
  t.ok(doc.paths["/v1/envelopes"]!.post!.responses["400"]!.content!["application/json"]!.schema!.properties!.code!.enum!.includes("invalid_json"));
});

async function principal(name: string, role: string): Promise<string> {
  const auth = { authorization: `Bearer ${adminKey}` };
  const p = await app.inject({ method: "POST", url: "/v1/admin/principals", headers: auth, payload: { name, role } });
  const k = await app.inject({ method: "POST", url: `/v1/admin/principals/${p.json().id}/keys`, headers: auth, payload: {} });
  return k.json().key;
}
