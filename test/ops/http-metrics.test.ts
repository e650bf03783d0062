// The HTTP latency histogram of the real service: counted per method, route pattern and status class, with
// unmatched URLs folded into one label value (bounded cardinality), and the database gauge beside it.
import t from "tap";
import type { FastifyPluginAsync } from "fastify";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

// A route with a path parameter, registered under /v1 like the partner API's.
const things: FastifyPluginAsync = async (v1) => { v1.get("/things/:id", async () => ({ ok: true })); };
const ledger = await startTestLedger({ listen: false, routes: [things] });
t.teardown(async () => { await ledger.close(); await stopTestCluster(); });

const scrape = async () => (await ledger.app.inject({ url: "/metrics" })).body;
/** The _count sample of one label set, 0 when the series does not exist yet. */
const count = (text: string, labels: string) => {
  const m = text.match(new RegExp(`^otledger_http_request_duration_seconds_count\\{${labels.replace(/[{}]/g, "\\$&")}\\} (\\d+)$`, "m"));
  return m ? Number(m[1]) : 0;
};

t.test("requests are counted by method, route pattern and status class", async (t) => {
  const before = await scrape();
  const healthz = 'method="GET",route="/healthz",status_class="2xx"';
  const bad = 'method="POST",route="/v1/envelopes",status_class="4xx"';
  const unmatched404 = 'method="GET",route="unmatched",status_class="4xx"';
  await ledger.app.inject({ url: "/healthz" });
  await ledger.app.inject({ url: "/healthz" });
  const res = await ledger.app.inject({ method: "POST", url: "/v1/envelopes", payload: { header: {} } });
  t.equal(res.statusCode, 400, "a malformed envelope is refused");
  await ledger.app.inject({ url: "/no/such/route/0xdeadbeef" });
  await ledger.app.inject({ url: "/another/missing/path?x=1" });
  await ledger.app.inject({ url: "/v1/things/a1" });
  await ledger.app.inject({ url: "/v1/things/b2" });
  const wrongMethod = await ledger.app.inject({ method: "DELETE", url: "/healthz" });
  t.equal(wrongMethod.statusCode, 405);
  const after = await scrape();
  t.equal(count(after, healthz) - count(before, healthz), 2, "two GET /healthz, 2xx");
  t.equal(count(after, bad) - count(before, bad), 1, "one POST /v1/envelopes, 4xx, labelled with the route pattern");
  t.equal(count(after, unmatched404) - count(before, unmatched404), 2, "two unknown URLs share one 'unmatched' series");
  t.equal(count(after, 'method="DELETE",route="unmatched",status_class="4xx"'), 1, "a 405 is unmatched too");
  t.equal(count(after, 'method="GET",route="/v1/things/:id",status_class="2xx"'), 2, "a parameterised route is labelled with its pattern");
  t.notMatch(after, /deadbeef|missing\/path|things\/a1/, "raw URLs never become label values");
  t.match(after, /otledger_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/healthz",status_class="2xx"\} \d+/, "ms-range buckets");
  t.match(after, /otledger_http_request_duration_seconds_bucket\{le="30",/, "seconds-range buckets");
  t.match(after, /^otledger_http_request_duration_seconds_count\{method="GET",route="\/metrics",status_class="2xx"\} [1-9]/m, "the scrape itself is counted once answered");
});

t.test("otledger_database_up is 1 while the status query reaches PostgreSQL", async (t) => {
  t.match(await scrape(), /^otledger_database_up 1$/m);
});
