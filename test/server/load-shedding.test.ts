// Load shedding: a measured event-loop lag or saturation answers 503 under_pressure (Retry-After, service shape);
// an unmeasured lag (under-pressure's Infinity when its histogram got no sample, as on a starved CI machine — it
// failed the demo's enrollment) lets the request through. The handler runs exactly as under-pressure calls it.
import t from "tap";
import Fastify from "fastify";
import { shedLoad } from "../../server/http/load-shedding.ts";

async function answer(type: string, value: number | undefined) {
  const app = Fastify();
  // As under-pressure does: a handler that returned without answering means "go on".
  app.addHook("onRequest", (request, reply, done) => { shedLoad(request, reply, type, value); if (!reply.sent) done(); });
  app.get("/", async () => ({ ok: true }));
  const res = await app.inject({ method: "GET", url: "/" });
  await app.close();
  return res;
}

t.test("a measured lag or saturation is shed with 503 under_pressure", async (t) => {
  for (const [type, value] of [["eventLoopDelay", 1500], ["eventLoopUtilization", 0.99]] as const) {
    const res = await answer(type, value);
    t.equal(res.statusCode, 503, type);
    t.equal(res.headers["retry-after"], "1");
    t.match(res.json(), { statusCode: 503, code: "under_pressure", path: [] });
  }
});

t.test("an event-loop delay that was not measured (Infinity, NaN) does not refuse the request", async (t) => {
  for (const value of [Infinity, NaN]) {
    const res = await answer("eventLoopDelay", value);
    t.equal(res.statusCode, 200, String(value));
    t.same(res.json(), { ok: true });
  }
});
