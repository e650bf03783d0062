// `otledger erase` and `otledger erasures`, run as a user runs them (child processes of the real CLI), against a
// real service (embedded PostgreSQL, anvil, the API): exit 0 with the erasure, 0 again when repeated (the same
// erasure), 2 with the service's code for a refusal and for usage errors; the body is gone afterwards.
import t from "tap";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { recordHash } from "../../core/index.ts";
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

t.teardown(stopTestCluster);
const api = await startApiLedger();
t.teardown(() => api.close());
const auth = { OTLEDGER_API: api.url, OTLEDGER_API_KEY: api.adminKey };
const device = await api.newDevice();
const series = device.envelope(api.domain, 1, { samples: 4 });
const event = device.envelope(api.domain, 1, { make: "event", asset: "pump1" });
for (const env of [series, event]) if ((await api.submit(env)).status !== 201) throw new Error("fixture submit");
const target = recordHash(series.records[0]!.header);
const ev = recordHash(event.records[0]!.header);
const bodyOf = async (hash: string) => (await api.ownerDb.query("SELECT body, personal FROM records WHERE hash = $1", [Buffer.from(hash.slice(2), "hex")])).rows[0];

t.test("erase: 0 and the erasure; again 0 and the same one; erasures lists it", async (t) => {
  const run = await otledger(["erase", "--record", target, "--reason", "GDPR art. 17"], auth);
  t.equal(run.code, 0, run.stderr);
  const erasure = JSON.parse(run.stdout);
  t.match(erasure, { target, scope: "body", reason: "GDPR art. 17", requestedBy: "admin:admin", cleared: true });
  t.same(await bodyOf(target), { body: null, personal: null }, "the body is gone");
  const again = await otledger(["erase", "--record", target, "--reason", "GDPR art. 17"], auth);
  t.equal(again.code, 0, again.stderr);
  t.same(JSON.parse(again.stdout), erasure, "the existing erasure");
  const personal = await otledger(["erase", "--record", ev, "--scope", "personal", "--reason", "actor"], auth);
  t.equal(personal.code, 0, personal.stderr);
  t.match(await bodyOf(ev), { body: Object, personal: null }, "the event keeps its body");
  const listed = await otledger(["erasures"], auth);
  t.equal(listed.code, 0, listed.stderr);
  t.same(JSON.parse(listed.stdout).erasures.map((e: { target: string }) => e.target), [target, ev]);
});

t.test("refusals and usage errors: exit 2, one line with the code, no stack", async (t) => {
  const wrongScope = await otledger(["erase", "--record", target, "--scope", "personal", "--reason", "x"], auth);
  t.equal(wrongScope.code, 2);
  t.match(wrongScope.stderr, /^otledger: 422 erasure_scope_invalid: .*\(at scope\)/m);
  t.notMatch(wrongScope.stderr, /\n\s+at /, "no stack trace");
  const unknown = await otledger(["erase", "--record", "0x" + "ab".repeat(32), "--reason", "x"], auth);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /404 not_found: .*\(at record\)/);
  const badHash = await otledger(["erase", "--record", "0x12", "--reason", "x"], auth);
  t.equal(badHash.code, 2);
  t.match(badHash.stderr, /400 schema_invalid: .*\(at record\)/);
  const noReason = await otledger(["erase", "--record", target], auth);
  t.equal(noReason.code, 2, "a missing option is a usage error");
  t.match(noReason.stderr, /--reason/);
  const badScope = await otledger(["erase", "--record", target, "--scope", "all", "--reason", "x"], auth);
  t.equal(badScope.code, 2);
  t.match(badScope.stderr, /Allowed choices are body, personal/);
});
