// Scope enforcement: one partner per grant dimension (device, site, kind, stream name or prefix, time window on the
// whole span, expiry)
// and a revoked key; every record route answers only in-scope records (others are 404, as if absent); roles are
// enforced.
import t from "tap";
import { recordHash, type FullRecord } from "../../core/index.ts";
import type { RecordKindMaker } from "../helpers/envelopes.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { startApiLedger, type ApiLedger } from "./harness.ts";
import { parseKey } from "../../server/api/keys.ts";

t.teardown(stopTestCluster);

type Known = { hash: string; record: FullRecord; site: string };

async function exportHashes(api: ApiLedger, key: string): Promise<{ scope: string; hashes: string[]; devices: string[] }> {
  const res = await api.get("/v1/export", key);
  const lines = res.body.trim().split("\n").map((l) => JSON.parse(l));
  return {
    scope: lines[0].scope,
    hashes: lines.filter((l) => l.type === "record").map((l) => l.hash).sort(),
    devices: lines.filter((l) => l.type === "device").map((l) => l.address).sort(),
  };
}

t.test("grants limit every record route", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const [a, b] = [await api.newDevice({ register: false }), await api.newDevice({ register: false })];
  await api.enroll(a, "plant-1");
  await api.enroll(b, "plant-2");
  const known: Known[] = [];
  const submit = async (device: typeof a, site: string, n: number, make: RecordKindMaker) => {
    const env = device.envelope(api.domain, n, { make, samples: 3 });
    t.equal((await api.submit(env)).status, 201);
    for (const r of env.records) known.push({ hash: recordHash(r.header), record: r, site });
  };
  await submit(a, "plant-1", 4, "reading");
  await submit(a, "plant-1", 2, "event");
  await submit(b, "plant-2", 3, "reading");
  await submit(b, "plant-2", 2, "series"); // [12:00:00, 12:00:02], [12:00:03, 12:00:05]
  await api.waitAnchored(known.length);

  const hour = 3600_000;
  const cases: { name: string; grant: Record<string, unknown>; visible: (k: Known) => boolean }[] = [
    { name: "device", grant: { device: a.address }, visible: (k) => k.record.header.device === a.address },
    { name: "site", grant: { site: "plant-2" }, visible: (k) => k.site === "plant-2" },
    { name: "kind", grant: { kind: "event" }, visible: (k) => k.record.header.kind === "event" },
    { name: "series kind", grant: { kind: "series" }, visible: (k) => k.record.header.kind === "series" },
    { name: "stream", grant: { stream: "@events/pump1" }, visible: (k) => k.record.stream?.name === "@events/pump1" },
    { name: "stream prefix", grant: { stream: "TT-*" }, visible: (k) => k.record.stream?.name.startsWith("TT-") === true },
    // `%` and `_` in a pattern are literal (no LIKE): "TT_*" covers nothing here.
    { name: "literal stream prefix", grant: { stream: "TT_*" }, visible: () => false },
    { name: "stream and device", grant: { stream: "TT-101.*", device: b.address }, visible: (k) => k.record.header.device === b.address && k.record.stream?.name === "TT-101.PV" },
    // The whole span inside [from, to): the series [12:00:00, 12:00:02] is cut by from, [12:00:03, 12:00:05] is inside.
    { name: "window", grant: { from: "2026-11-24T12:00:01.000Z", to: "2026-11-24T12:00:06.000Z" }, visible: (k) => k.record.header.from >= "2026-11-24T12:00:01.000Z" && k.record.header.to < "2026-11-24T12:00:06.000Z" },
    { name: "expired", grant: { expiresAt: new Date(Date.now() - hour).toISOString() }, visible: () => false },
    { name: "not yet expired", grant: { device: b.address, expiresAt: new Date(Date.now() + hour).toISOString() }, visible: (k) => k.record.header.device === b.address },
  ];
  for (const c of cases) {
    await t.test(`grant by ${c.name}`, async (t) => {
      const p = await api.principal(`partner-${c.name}`, "partner");
      await api.grant(p.id, c.grant);
      const inside = known.filter(c.visible);
      const outside = known.filter((k) => !c.visible(k));
      t.ok(outside.length > 0, "the case hides something");
      const list = await api.get("/v1/records?limit=1000", p.key);
      t.equal(list.statusCode, 200);
      t.same(list.json().records.map((r: { hash: string }) => r.hash).sort(), inside.map((k) => k.hash).sort(), "list");
      for (const k of [inside[0], outside[0]].filter((x) => x !== undefined)) {
        const expected = c.visible(k) ? 200 : 404;
        t.equal((await api.get(`/v1/records/${k.hash}`, p.key)).statusCode, expected, `get ${expected}`);
        t.equal((await api.get(`/v1/records/${k.hash}/proof`, p.key)).statusCode, expected, `proof ${expected}`);
      }
      const exported = await exportHashes(api, p.key);
      t.equal(exported.scope, "partial");
      t.same(exported.hashes, inside.map((k) => k.hash).sort(), "export");
      const devices = (await api.get("/v1/devices", p.key)).json().devices.map((d: { address: string }) => d.address);
      const grantDevices = ["kind", "series kind", "window", "stream", "stream prefix", "literal stream prefix"].includes(c.name) ? [a.address, b.address] : [...new Set(inside.map((k) => k.record.header.device))];
      t.same(devices.filter((d: string) => d !== api.serviceKey.address.toLowerCase()).sort(), grantDevices.sort(), "devices");
      t.notOk(devices.includes(api.serviceKey.address.toLowerCase()), "the access log's device is never a partner's");
      t.same(exported.devices, [...devices].sort(), "the export lists the devices GET /v1/devices lists");
      t.notOk(exported.devices.includes(api.serviceKey.address.toLowerCase()), "nor in an export's device lines");
    });
  }

  await t.test("a revoked key is refused; a new key works", async (t) => {
    const p = await api.principal("partner-revoked", "partner");
    await api.grant(p.id, {});
    t.equal((await api.get("/v1/records", p.key)).statusCode, 200);
    const keyId = p.key.split("_")[1];
    const revoked = await api.request("DELETE", `/v1/admin/keys/${keyId}`, api.adminKey);
    t.equal(revoked.statusCode, 200);
    t.match(revoked.json(), { id: keyId, principalId: p.id, revokedAt: String }, "answers the key as revoked");
    for (const url of ["/v1/records", `/v1/records/${known[0]!.hash}`, `/v1/records/${known[0]!.hash}/proof`, "/v1/devices", "/v1/export", "/v1/checkpoints"]) {
      const res = await api.get(url, p.key);
      t.equal(res.statusCode, 401, url);
      t.equal(res.json().code, "unauthenticated");
    }
  });

  await t.test("auditors see everything, in full scope", async (t) => {
    const auditor = await api.principal("auditor-1", "auditor");
    const exported = await exportHashes(api, auditor.key);
    t.equal(exported.scope, "full");
    t.ok(known.every((k) => exported.hashes.includes(k.hash)));
    t.ok(exported.devices.includes(api.serviceKey.address.toLowerCase()), "auditors see the access log device");
  });
});

t.test("roles and authentication", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const partner = await api.principal("p", "partner");
  const auditor = await api.principal("a", "auditor");
  const code = async (method: string, url: string, key?: string, body?: unknown) => (await api.request(method, url, key, body)).statusCode;
  const adminRoutes: [string, string, unknown?][] = [
    ["POST", "/v1/admin/principals", { name: "x", role: "partner" }], ["GET", "/v1/admin/principals"],
    ["POST", `/v1/admin/principals/${partner.id}/keys`, {}], ["POST", `/v1/admin/principals/${partner.id}/grants`, {}],
    ["POST", "/v1/admin/devices", { address: "0x" + "11".repeat(20), site: "s" }], ["DELETE", "/v1/admin/keys/0123456789abcdef"],
  ];
  for (const [method, url, body] of adminRoutes) {
    t.equal(await code(method, url, partner.key, body), 403, `partner ${method} ${url}`);
    t.equal(await code(method, url, auditor.key, body), 403, `auditor ${method} ${url}`);
    t.equal(await code(method, url, undefined, body), 401, `anonymous ${method} ${url}`);
  }
  for (const url of ["/v1/records", "/v1/devices", "/v1/export", "/v1/checkpoints", "/v1/access-log"]) {
    t.equal(await code("GET", url, api.adminKey), 403, `admin GET ${url}`);
    t.equal(await code("GET", url), 401, `anonymous GET ${url}`);
  }
  t.equal(await code("GET", "/v1/access-log", partner.key), 403, "partners cannot list the access log");
  t.equal(await code("GET", "/v1/access-log", auditor.key), 200);
  t.equal(await code("GET", "/v1/info"), 200, "info is public");
  const wrongSecret = partner.key.slice(0, -4) + (partner.key.endsWith("AAAA") ? "BBBB" : "AAAA");
  t.equal(await code("GET", "/v1/records", wrongSecret), 401, "right id, wrong secret");
  t.equal(await code("GET", "/v1/records", "not-a-key"), 401, "malformed");
  t.equal(await code("POST", `/v1/admin/principals/${auditor.id}/grants`, api.adminKey, {}), 400, "grants are for partners");
  for (const stream of ["*", "", "x".repeat(257)]) {
    const res = await api.request("POST", `/v1/admin/principals/${partner.id}/grants`, api.adminKey, { stream });
    t.match({ status: res.statusCode, ...res.json() }, { status: 400, code: "schema_invalid", path: ["stream"] }, `stream pattern ${JSON.stringify(stream.slice(0, 8))} refused`);
  }
  const granted = await api.request("POST", `/v1/admin/principals/${partner.id}/grants`, api.adminKey, { stream: "P-101.*" });
  t.match({ status: granted.statusCode, ...granted.json() }, { status: 201, stream: "P-101.*" }, "a prefix pattern is kept as given");
  const dup = await api.request("POST", "/v1/admin/principals", api.adminKey, { name: "p", role: "partner" });
  t.equal(dup.statusCode, 409);
  const listed = await api.request("GET", `/v1/admin/principals/${partner.id}/keys`, api.adminKey);
  t.notOk(listed.body.includes(parseKey(partner.key)!.secret), "key listings never show secrets");
});
