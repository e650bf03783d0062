// Every 5xx is logged at error level with its request id, whichever way it was produced (an unexpected throw,
// a coded 5xx error, a reply sent directly); unexpected errors answer "internal error" without their message.
// A verification crash on a worker thread reaches the handler as an unexpected error, not as a coded answer.
import t from "tap";
import type { FastifyPluginAsync } from "fastify";
import { HttpError } from "../../server/http/http-error.ts";
import { VerifyPool } from "../../server/ingest/verify-pool.ts";
import { IngestError } from "../../server/ingest/errors.ts";
import { envelopeDomainV2, type EnvelopeV2 } from "../../core/index.ts";
import { TestDeviceV2 as TestDevice } from "../helpers/envelopes.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { captureLogs } from "../helpers/log-capture.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

const failing: FastifyPluginAsync = async (app) => {
  app.get("/test/crash", async () => { throw new Error("secret internals: cannot canonicalize"); });
  app.get("/test/coded-500", async () => { throw new HttpError(500, "test_internal", "a coded internal failure"); });
  app.get("/test/coded-503", async () => { throw new HttpError(503, "test_unavailable", "dependency down; retry"); });
  app.get("/test/direct-503", async (_request, reply) => reply.code(503).send({ statusCode: 503, code: "test_direct", message: "sent directly", path: [] }));
  app.get("/test/bad", async () => { throw new HttpError(400, "test_bad", "bad input"); });
};

t.test("5xx answers are logged at error level with the request id", async (t) => {
  const logs = captureLogs();
  const ledger = await startTestLedger({ listen: false, routes: [failing], server: { logger: logs.logger("warn") } });
  t.teardown(() => ledger.close());
  const cases = [
    { url: "/v1/test/crash", status: 500, code: "internal" },
    { url: "/v1/test/coded-500", status: 500, code: "test_internal" },
    { url: "/v1/test/coded-503", status: 503, code: "test_unavailable" },
    { url: "/v1/test/direct-503", status: 503, code: "test_direct" },
  ];
  for (const [i, c] of cases.entries()) {
    const reqId = `errors-logged-${i}`;
    const res = await ledger.app.inject({ method: "GET", url: c.url, headers: { "x-request-id": reqId } });
    t.equal(res.statusCode, c.status, `${c.url}: ${c.status}`);
    t.match(res.json(), { statusCode: c.status, code: c.code, path: [] }, `${c.url}: the service's error shape`);
    t.equal(res.headers["x-request-id"], reqId, `${c.url}: answers with its request id`);
    const logged = logs.lines().filter((l) => l.level >= 50 && l.reqId === reqId);
    t.equal(logged.length, 1, `${c.url}: exactly one error-level line with request id ${reqId}`);
  }
  const crash = await ledger.app.inject({ method: "GET", url: "/v1/test/crash", headers: { "x-request-id": "crash-2" } });
  t.equal(crash.json().message, "internal error", "an unexpected error's message is not echoed to the client");
  const crashLog = logs.lines().find((l) => l.reqId === "crash-2" && l.level >= 50) as { err?: { message?: string; stack?: string } } | undefined;
  t.match(crashLog?.err?.message, /secret internals/, "but it is in the log, with the error");
  t.ok(crashLog?.err?.stack, "and its stack");

  await ledger.app.inject({ method: "GET", url: "/v1/test/bad", headers: { "x-request-id": "bad-1" } });
  t.equal(logs.lines().filter((l) => l.reqId === "bad-1" && l.level >= 50).length, 0, "a 4xx is not an error-level line");
});

t.test("a verification crash on a worker thread is an unexpected error, not a coded answer", async (t) => {
  const domain = envelopeDomainV2(31337, "0x" + "00".repeat(20));
  const pool = new VerifyPool(1, domain);
  t.teardown(() => pool.close());
  // The route's schema refuses this; here it is handed past the schema, so the check itself throws a TypeError.
  const envelope = { ...new TestDevice().envelope(domain, 1), records: null } as unknown as EnvelopeV2;
  const err = await pool.verify(envelope).then(() => undefined, (e: unknown) => e);
  t.ok(err instanceof Error, "the verification fails");
  t.notOk(err instanceof IngestError || err instanceof HttpError, "as a plain error the handler answers 500 internal and logs");
  t.match((err as Error).message, /null/, "keeping the worker's message for the log");
});
