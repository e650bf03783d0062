// The embedded PostgreSQL or anvil dies under load (issue item 8): requests meanwhile get a retryable
// 503 database_unavailable with Retry-After (never a 500), the HTTP listener keeps answering, the supervisor
// restarts the dead part, and nothing acknowledged is lost.
import t from "tap";
import { startServer } from "../../server/server.ts";
import { TestDeviceV2 as TestDevice } from "../helpers/envelopes.ts";
import { waitFor } from "../helpers/wait.ts";
import { enroll, request } from "./fixture/http.ts";
import { IngestLoad } from "./fixture/load.ts";
import { serviceDir, serviceEnv } from "./fixture/service-process.ts";

t.test("embedded parts are restarted when they die", async (t) => {
  const dir = await serviceDir(t);
  const env = await serviceEnv(dir, { PORT: "0", LOG_LEVEL: "silent" });
  const server = await startServer({ env, handleSignals: false, print: () => {} });
  t.teardown(() => server.close());
  const { url, runtime } = server;
  const { domain } = server.app.ledger;
  const devices = [new TestDevice(), new TestDevice(), new TestDevice()];
  for (const d of devices) await enroll(url, env.OTLEDGER_ADMIN_KEY!, d.address);

  t.test("SIGKILL of the postmaster under load: 503 database_unavailable, restart, nothing lost", async (t) => {
    const load = new IngestLoad(() => url, domain, devices, 5);
    load.start();
    await load.untilAcked(10);
    const killed = runtime.pids().postgres!;
    process.kill(killed, "SIGKILL");
    // While it is down the listener keeps answering.
    t.equal((await request(`${url}/healthz`, "GET")).status, 200, "/healthz answers while the database is down");
    await waitFor(() => runtime.pids().postgres !== killed || undefined, { timeoutMs: 30_000, what: "a new postmaster" });
    const before = load.acked.length;
    await load.untilAcked(before + 10);
    await load.stop();

    const unavailable = load.answers.filter((a) => a.status === 503);
    t.ok(unavailable.length > 0, `ingest answered 503 during the outage (${unavailable.length} times)`);
    t.ok(unavailable.every((a) => a.code === "database_unavailable" && Number(a.retryAfter) > 0), "every 503 is database_unavailable with Retry-After");
    t.same(load.answers.filter((a) => a.status !== 200 && a.status !== 201 && a.status !== 503), [], "no other answer (never a 500)");
    for (const a of load.acked) {
      const res = await request(`${url}/v1/envelopes`, "POST", a.envelope);
      if (res.status !== 200 || JSON.stringify(res.body.records) !== JSON.stringify(a.receipt.records)) t.fail(`acknowledged envelope lost: ${a.device} #${a.receipt.firstSeq}: ${res.status}`);
    }
    t.pass(`${load.acked.length} acknowledged envelopes are all stored`);
    t.equal((await request(`${url}/readyz`, "GET")).status, 200, "ready again");
  });

  t.test("SIGKILL of anvil: restarted on the same port, ready and anchoring again", async (t) => {
    const killed = runtime.pids().chain!;
    process.kill(killed, "SIGKILL");
    await waitFor(() => (runtime.pids().chain !== undefined && runtime.pids().chain !== killed) || undefined, { timeoutMs: 30_000, what: "a new anvil" });
    t.pass("a new anvil runs");
    const load = new IngestLoad(() => url, domain, devices.slice(0, 1), 5);
    load.start();
    await load.untilAcked(3);
    await load.stop();
    const ready = await waitFor(async () => {
      const r = await request(`${url}/readyz`, "GET");
      return r.status === 200 && r.body.status === "ok" && r.body.anchoring.lagLeaves === 0 ? r.body : undefined;
    }, { timeoutMs: 30_000, what: "/readyz ok with everything anchored" });
    t.equal(ready.chain.ok, true, "the chain answers at the same URL");
    t.equal(ready.status, "ok", "not degraded any more, without a restart by hand");
  });
});
