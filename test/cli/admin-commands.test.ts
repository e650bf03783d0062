// The `otledger device` and `partner` commands, run as a user runs them (child processes of the real CLI),
// against a real service (embedded PostgreSQL, anvil, the API).
import t from "tap";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Wallet } from "ethers";
import { startApiLedger } from "../api/harness.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

const cli = fileURLToPath(new URL("../../bin/otledger.js", import.meta.url));

function otledger(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : 1, stdout, stderr });
    });
  });
}

t.teardown(stopTestCluster); // teardowns run last-registered first: the service closes, then its cluster
const api = await startApiLedger();
t.teardown(() => api.close());
const auth = { OTLEDGER_API: api.url, OTLEDGER_API_KEY: api.adminKey };

t.test("device enroll registers on-chain, list shows it, revoke revokes it on-chain", async (t) => {
  const address = Wallet.createRandom().address.toLowerCase();
  const enrolled = await otledger(["device", "enroll", address, "--site", "plant-a", "--label", "line 1"], auth);
  t.equal(enrolled.code, 0, enrolled.stderr);
  t.equal(JSON.parse(enrolled.stdout).registry.registered, true);
  t.equal((await api.chain.ledger.getFunction("deviceStatus")(address)).registered, true, "the chain agrees");

  const listed = await otledger(["device", "list"], auth);
  t.equal(listed.code, 0, listed.stderr);
  const mine = JSON.parse(listed.stdout).devices.find((d: { address: string }) => d.address === address);
  t.equal(mine?.site, "plant-a");

  const conflict = await otledger(["device", "enroll", address, "--site", "plant-b"], auth);
  t.equal(conflict.code, 2, "enrolling again at another site is refused");
  t.match(conflict.stderr, /409 device_site_conflict/);
  const updated = await otledger(["device", "update", address, "--site", "plant-b", "--clear-label"], auth);
  t.equal(updated.code, 0, updated.stderr);
  t.match(JSON.parse(updated.stdout), { address, site: "plant-b", label: null });
  const relisted = JSON.parse((await otledger(["device", "list"], auth)).stdout).devices.find((d: { address: string }) => d.address === address);
  t.match(relisted, { site: "plant-b", label: null }, "the list shows the change");
  const nothing = await otledger(["device", "update", address], auth);
  t.equal(nothing.code, 2, "an update naming nothing is a usage error");

  const revoked = await otledger(["device", "revoke", address], auth);
  t.equal(revoked.code, 0, revoked.stderr);
  t.equal((await api.chain.ledger.getFunction("deviceStatus")(address)).revoked, true, "revoked on-chain");
});

t.test("partner create shows the key once; grant scopes it; revoke --key shuts it out", async (t) => {
  const created = await otledger(["partner", "create", "acme"], auth);
  t.equal(created.code, 0, created.stderr);
  const { principal, keyId, apiKey } = JSON.parse(created.stdout);
  t.equal(principal.role, "partner");
  t.equal((await api.get("/v1/records?limit=1", apiKey)).statusCode, 200, "the new key reads");

  const granted = await otledger(["partner", "grant", String(principal.id), "--site", "plant-a", "--kind", "reading"], auth);
  t.equal(granted.code, 0, granted.stderr);
  t.match(JSON.parse(granted.stdout), { site: "plant-a", kind: "reading" });

  const grantId = JSON.parse(granted.stdout).id;
  const revokedGrant = await otledger(["partner", "revoke", "--grant", String(grantId)], auth);
  t.equal(revokedGrant.code, 0, revokedGrant.stderr);
  t.match(JSON.parse(revokedGrant.stdout), { revoked: "grant", grant: { id: grantId, principalId: principal.id, site: "plant-a", revokedAt: String } }, "prints the revoked grant");

  const revoked = await otledger(["partner", "revoke", "--key", keyId], auth);
  t.equal(revoked.code, 0, revoked.stderr);
  const shown = JSON.parse(revoked.stdout);
  t.match(shown, { revoked: "key", key: { id: keyId, principalId: principal.id, label: "initial", revokedAt: String } }, "prints the revoked key, not null");
  t.ok(Date.parse(shown.key.revokedAt) <= Date.now(), "revokedAt is an RFC 3339 instant");
  t.equal((await api.get("/v1/records?limit=1", apiKey)).statusCode, 401, "a revoked key is refused");
});

t.test("user mistakes are one clear line and exit 2, never a stack trace", async (t) => {
  const noKey = await otledger(["device", "list"], { OTLEDGER_API: api.url, OTLEDGER_API_KEY: "" });
  t.equal(noKey.code, 2);
  t.match(noKey.stderr, /API key is required/);

  const badAddress = await otledger(["device", "enroll", "0x1234", "--site", "x"], auth);
  t.equal(badAddress.code, 2);
  t.match(badAddress.stderr, /^otledger: 400 \w+: .*\(at address\)/m);
  t.notMatch(badAddress.stderr, /\n\s+at /, "no stack trace");

  const down = await otledger(["device", "list", "--api", "http://127.0.0.1:9"], auth);
  t.equal(down.code, 2);
  t.match(down.stderr, /cannot reach the ledger service/);

  const both = await otledger(["partner", "revoke"], auth);
  t.equal(both.code, 2);
  t.match(both.stderr, /exactly one of --key or --grant/);
});
