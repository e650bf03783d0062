// Every malformed query parameter, path parameter or admin body field answers 400 with a code and its field path.
import t from "tap";
import { stopTestCluster } from "../helpers/postgres.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

t.test("bad parameters: 400 with the field path", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const auditor = await api.principal("auditor", "auditor");
  const partner = await api.principal("partner", "partner");
  const hash = "0x" + "ab".repeat(32);
  const cases: [string, (string | number)[]][] = [
    ["/v1/records?limit=0", ["limit"]],
    ["/v1/records?limit=1001", ["limit"]],
    ["/v1/records?limit=ten", ["limit"]],
    ["/v1/records?cursor=abc", ["cursor"]],
    ["/v1/records?cursor=-1", ["cursor"]],
    ["/v1/records?device=0x1234", ["device"]],
    ["/v1/records?site=no%20spaces", ["site"]],
    ["/v1/records?kind=photo", ["kind"]],
    ["/v1/records?eventType=party", ["eventType"]],
    ["/v1/records?tag=", ["tag"]],
    ["/v1/records?tag=a%00b", ["tag"]],
    ["/v1/records?from=yesterday", ["from"]],
    ["/v1/records?to=2026-13-01T00:00:00Z", ["to"]],
    ["/v1/records?from=2026-11-24T12:00:00Z&to=2026-11-24T11:00:00Z", ["to"]],
    ["/v1/records?tag=x&eventType=note", ["eventType"]],
    ["/v1/records?tag=x&asset=pump1", ["asset"]],
    ["/v1/records?tag=x&kind=event", ["tag"]],
    ["/v1/records?asset=pump1&kind=series", ["kind"]],
    ["/v1/records?kind=access", ["kind"]],
    ["/v1/records?asset=", ["asset"]],
    ["/v1/records/0x1234/samples", ["hash"]],
    ["/v1/records?color=red", ["color"]],
    ["/v1/records/0x1234", ["hash"]],
    [`/v1/records/${hash}/proof?treeSize=0`, ["treeSize"]],
    [`/v1/records/${hash}/proof?treeSize=big`, ["treeSize"]],
    [`/v1/records/${hash}/proof?at=1`, ["at"]],
    ["/v1/checkpoints?cursor=-2", ["cursor"]],
    ["/v1/checkpoints?limit=0", ["limit"]],
    ["/v1/checkpoints/consistency?from=x&to=3", ["from"]],
    ["/v1/checkpoints/consistency?from=5&to=3", ["to"]],
    ["/v1/checkpoints/consistency?from=5", ["to"]],
    ["/v1/export?from=soon", ["from"]],
    ["/v1/export?device=0xzz", ["device"]],
    ["/v1/export?receipts=yes", ["receipts"]],
    ["/v1/access-log?cursor=x", ["cursor"]],
  ];
  for (const [url, path] of cases) {
    const res = await api.get(url, auditor.key);
    if (res.statusCode !== 400 || res.json().code !== "schema_invalid") console.error(url, res.statusCode, res.body);
    t.equal(res.statusCode, 400, url);
    t.match(res.json(), { code: "schema_invalid", path }, `${url} -> ${JSON.stringify(path)}`);
  }
  // The same for a partner (validation comes before scope), and for admin bodies.
  t.match((await api.get("/v1/records?limit=0", partner.key)).json(), { statusCode: 400, path: ["limit"] });
  const admin: [string, string, unknown, (string | number)[]][] = [
    ["POST", "/v1/admin/principals", { name: "x", role: "root" }, ["role"]],
    ["POST", "/v1/admin/principals", { name: "", role: "partner" }, ["name"]],
    ["POST", "/v1/admin/principals", { name: "a\u0000b", role: "partner" }, ["name"]],
    ["POST", `/v1/admin/principals/${partner.id}/grants`, { kind: "photo" }, ["kind"]],
    ["POST", `/v1/admin/principals/${partner.id}/grants`, { device: "0x12" }, ["device"]],
    ["POST", `/v1/admin/principals/${partner.id}/grants`, { from: "2026-11-24T12:00:00Z", to: "2026-11-24T11:00:00Z" }, ["to"]],
    ["POST", `/v1/admin/principals/${partner.id}/grants`, { expiresAt: "tomorrow" }, ["expiresAt"]],
    ["POST", `/v1/admin/principals/${partner.id}/grants`, { sites: ["a"] }, []],
    ["POST", "/v1/admin/principals/abc/keys", {}, ["id"]],
    ["DELETE", "/v1/admin/keys/XYZ", undefined, ["keyId"]],
    ["POST", "/v1/admin/devices", { address: "0x12", site: "s" }, ["address"]],
    ["POST", "/v1/admin/devices/0x12/revoke", undefined, ["address"]],
  ];
  for (const [method, url, body, path] of admin) {
    const res = await api.request(method, url, api.adminKey, body);
    t.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(body)}`);
    t.same(res.json().path, path, `${method} ${url} path`);
  }
});
