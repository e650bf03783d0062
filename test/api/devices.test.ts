// Device enrollment through the admin API: registration and revocation happen on LedgerAnchor (registrar role),
// ingest follows the chain, and GET /v1/devices reports the registry status with the enrolled site.
import t from "tap";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { startApiLedger, type ApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

t.test("enroll and revoke on-chain", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const device = await api.newDevice({ register: false });
  const status = async () => api.chain.ledger.getFunction("deviceStatus")(device.address);
  t.equal((await status()).registered, false);
  t.equal((await api.submit(device.envelope(api.domain, 1, { commit: false }))).status, 403, "unknown before enrollment");

  const enrolled = await api.request("POST", "/v1/admin/devices", api.adminKey, { address: device.address.toUpperCase().replace("0X", "0x"), site: "plant-9", label: "press 7" });
  t.equal(enrolled.statusCode, 201);
  t.match(enrolled.json(), { address: device.address, site: "plant-9", label: "press 7", registry: { registered: true, revoked: false }, tx: { txHash: /^0x[0-9a-f]{64}$/ } });
  t.equal((await status()).registered, true, "registered on LedgerAnchor");
  t.equal((await api.submit(device.envelope(api.domain, 3))).status, 201, "ingest accepts it");
  const moved = await api.request("PATCH", `/v1/admin/devices/${device.address}`, api.adminKey, { site: "plant-8" });
  t.equal(moved.statusCode, 200, "the site is moved explicitly");

  const auditor = await api.principal("auditor", "auditor");
  const listed = (await api.get("/v1/devices", auditor.key)).json().devices.find((d: { address: string }) => d.address === device.address);
  t.match(listed, { site: "plant-8", registry: { registered: true, revoked: false } });

  const revoked = await api.request("POST", `/v1/admin/devices/${device.address}/revoke`, api.adminKey);
  t.equal(revoked.statusCode, 200);
  t.match(revoked.json(), { registry: { registered: true, revoked: true }, tx: { txHash: /^0x/ } });
  t.equal((await status()).revoked, true, "revoked on LedgerAnchor");
  t.equal((await api.submit(device.envelope(api.domain, 1, { commit: false }))).status, 403, "ingest refuses the revoked device");
  const after = await waitFor(async () => {
    const d = (await api.get("/v1/devices", auditor.key)).json().devices.find((x: { address: string }) => x.address === device.address);
    return d.registry.revoked ? d : undefined;
  }, { what: "GET /v1/devices showing the revocation" });
  t.ok(after.registry.revokedAtBlock > 0);
  t.equal((await api.request("POST", "/v1/admin/devices", api.adminKey, { address: device.address, site: "plant-9" })).statusCode, 409, "a revoked key cannot be enrolled again");
  t.equal((await api.request("POST", `/v1/admin/devices/0x${"12".repeat(20)}/revoke`, api.adminKey)).statusCode, 404, "unknown device");
});

// The production poll interval: the background event follower alone would keep accepting for up to a second.
const slowPolling = { config: { CHAIN_POLL_INTERVAL_MS: 1000 } };
const enroll = (api: ApiLedger, body: object) => api.request("POST", "/v1/admin/devices", api.adminKey, body);
const adminList = async (api: ApiLedger) => (await api.get("/v1/admin/devices", api.adminKey)).json().devices as { address: string; site: string | null; label: string | null }[];

t.test("with the production poll interval", async (t) => {
  const api = await startApiLedger(slowPolling);
  t.teardown(() => api.close());

  await t.test("revoked through the admin API: the next envelope is refused, nothing written", async (t) => {
    const device = await api.newDevice({ register: false });
    await api.enroll(device, "plant-1");
    t.equal((await api.submit(device.envelope(api.domain, 2))).status, 201);
    const revoked = await api.request("POST", `/v1/admin/devices/${device.address}/revoke`, api.adminKey);
    t.equal(revoked.statusCode, 200);
    const res = await api.submit(device.envelope(api.domain, 1, { commit: false }));
    t.equal(res.status, 403, "refused right after the revocation answered");
    t.match(res.body, { code: "device_revoked", revokedAtCheckpoint: revoked.json().registry.revokedAtCheckpoint });
    const stored = await api.ownerDb.query("SELECT count(*)::int AS n FROM records WHERE device = $1", [Buffer.from(device.address.slice(2), "hex")]);
    t.equal(stored.rows[0].n, 2, "only the records from before the revocation");

    const again = await Promise.all([1, 2, 3].map(() => api.request("POST", `/v1/admin/devices/${device.address}/revoke`, api.adminKey)));
    t.same(again.map((r) => r.statusCode), [200, 200, 200], "revoking again is a 200 (no transaction)");
    t.same(again.map((r) => r.json().tx), [null, null, null]);
  });

  await t.test("enrollment is idempotent; site and label change only explicitly", async (t) => {
    const device = await api.newDevice({ register: false });
    const body = { address: device.address, site: "plant-1", label: "press 1" };
    const answers = await Promise.all(Array.from({ length: 6 }, () => enroll(api, body)));
    const codes = answers.map((r) => r.statusCode).sort();
    t.same(codes, [200, 200, 200, 200, 200, 201], "one 201, the others 200, no 5xx", { bodies: answers.map((r) => r.body) });
    for (const r of answers) t.match(r.json(), { address: device.address, site: "plant-1", label: "press 1", registry: { registered: true, revoked: false } });
    t.equal(answers.filter((r) => r.json().tx !== null).length, 1, "one registerDevice transaction");
    const ledger = api.chain.ledger;
    t.equal((await ledger.queryFilter(ledger.filters.DeviceRegistered!(device.address))).length, 1, "registered once on-chain");
    t.equal((await api.submit(device.envelope(api.domain, 1))).status, 201, "ingest accepts it");

    t.equal((await enroll(api, { address: device.address, site: "plant-1" })).statusCode, 200, "same site, no label: 200");
    const otherSite = await enroll(api, { address: device.address, site: "plant-2", label: "press 1" });
    t.equal(otherSite.statusCode, 409);
    t.match(otherSite.json(), { code: "device_site_conflict", path: ["site"], enrolledSite: "plant-1" });
    const otherLabel = await enroll(api, { address: device.address, site: "plant-1", label: "press 2" });
    t.match(otherLabel.json(), { statusCode: 409, code: "device_label_conflict", path: ["label"], enrolledLabel: "press 1" });
    const otherHash = await enroll(api, { address: device.address, site: "plant-1", metadataHash: "0x" + "11".repeat(32) });
    t.match(otherHash.json(), { statusCode: 409, code: "device_metadata_conflict", path: ["metadataHash"] });
    t.match((await adminList(api)).find((d) => d.address === device.address), { site: "plant-1", label: "press 1" }, "nothing changed");

    const patched = await api.request("PATCH", `/v1/admin/devices/${device.address}`, api.adminKey, { site: "plant-2", label: null });
    t.equal(patched.statusCode, 200);
    t.match(patched.json(), { address: device.address, site: "plant-2", label: null, registry: { registered: true } });
    t.match((await adminList(api)).find((d) => d.address === device.address), { site: "plant-2", label: null }, "visible in the admin list");
    const auditor = await api.principal("auditor", "auditor");
    const changes = await waitFor(async () => {
      const entries = (await api.get("/v1/access-log?limit=1000", auditor.key)).json().entries as { route: string; filter: { old?: string; new?: string } }[];
      return entries.find((e) => e.route === "PATCH /v1/admin/devices/:address");
    }, { what: "the site change in the access log" });
    // Access record filters hold scalars (AccessBodySchema): the old and new values are their JSON.
    t.match({ old: JSON.parse(changes.filter.old!), new: JSON.parse(changes.filter.new!) }, { old: { site: "plant-1", label: "press 1" }, new: { site: "plant-2", label: null } }, "recorded in the signed access log");

    t.match((await api.request("PATCH", `/v1/admin/devices/0x${"12".repeat(20)}`, api.adminKey, { site: "x" })).json(), { statusCode: 404, code: "device_not_enrolled", path: ["address"] });
    t.match((await api.request("PATCH", `/v1/admin/devices/${device.address}`, api.adminKey, {})).json(), { statusCode: 400, path: ["site"] }, "a change must name something");
    t.match((await api.request("PATCH", `/v1/admin/devices/${device.address}`, api.adminKey, { site: "bad site!" })).json(), { statusCode: 400, path: ["site"] });
    const partner = await api.principal("acme", "partner");
    t.equal((await api.request("PATCH", `/v1/admin/devices/${device.address}`, partner.key, { site: "plant-1" })).statusCode, 403, "admins only");
  });

  await t.test("the access log's own device is labelled in the device list", async (t) => {
    const own = api.serviceKey.address.toLowerCase();
    t.match((await adminList(api)).find((d) => d.address === own), { address: own, site: null, label: "otledger access log" });
  });
});

t.test("two replicas enrolling one address at once: one 201, no 5xx", async (t) => {
  const a = await startApiLedger();
  t.teardown(() => a.close());
  const b = await startApiLedger({ chain: a.chain, database: a.database });
  t.teardown(() => b.close());
  const address = (await a.newDevice({ register: false })).address;
  const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => enroll(i % 2 === 0 ? a : b, { address, site: "plant-1" })));
  t.same(answers.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 200, 201], "the enrollment row is claimed once", { bodies: answers.map((r) => r.body) });
  t.ok(answers.every((r) => r.json().registry.registered === true), "every answer shows the device registered");
  t.equal((await a.chain.ledger.getFunction("deviceStatus")(address)).registered, true);
});
