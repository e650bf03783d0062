// Device enrollment through the admin API: registration and revocation happen on LedgerAnchor (registrar role),
// ingest follows the chain, and GET /v1/devices reports the registry status with the enrolled site.
import t from "tap";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { startApiLedger } from "./harness.ts";

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
  t.equal((await api.request("POST", "/v1/admin/devices", api.adminKey, { address: device.address, site: "plant-8" })).json().tx, null, "re-enrolling only moves the site");

  const auditor = await api.principal("auditor", "auditor");
  const listed = (await api.get("/v1/devices", auditor.key)).json().devices.find((d: { address: string }) => d.address === device.address);
  t.match(listed, { site: "plant-8", registry: { registered: true, revoked: false } });

  const revoked = await api.request("POST", `/v1/admin/devices/${device.address}/revoke`, api.adminKey);
  t.equal(revoked.statusCode, 200);
  t.match(revoked.json(), { registry: { registered: true, revoked: true }, tx: { txHash: /^0x/ } });
  t.equal((await status()).revoked, true, "revoked on LedgerAnchor");
  await waitFor(async () => (await api.submit(device.envelope(api.domain, 1, { commit: false }))).status === 403 || undefined, { what: "ingest refusing the revoked device" });
  const after = await waitFor(async () => {
    const d = (await api.get("/v1/devices", auditor.key)).json().devices.find((x: { address: string }) => x.address === device.address);
    return d.registry.revoked ? d : undefined;
  }, { what: "GET /v1/devices showing the revocation" });
  t.ok(after.registry.revokedAtBlock > 0);
  t.equal((await api.request("POST", "/v1/admin/devices", api.adminKey, { address: device.address, site: "plant-9" })).statusCode, 409, "a revoked key cannot be enrolled again");
  t.equal((await api.request("POST", `/v1/admin/devices/0x${"12".repeat(20)}/revoke`, api.adminKey)).statusCode, 404, "unknown device");
});
