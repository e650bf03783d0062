// Rate limits are keyed by what was verified, never by what a client claims: a verified principal has its own
// budget (shared by its keys); anonymous and failed-authentication requests share their client address's budget;
// POST /v1/envelopes is limited per address before the signature check and per device after it.
import t from "tap";
import type { InjectOptions } from "fastify";
import { stopTestCluster } from "../helpers/postgres.ts";
import { startApiLedger, type ApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

const PER_PRINCIPAL = 30;
const PER_ADDRESS = 10;
const INGEST_PER_ADDRESS = 8;
const INGEST_PER_DEVICE = 3;

const junk = (n: number) => "J".repeat(42) + String.fromCharCode(65 + (n % 26));
const fakeKey = (id: string, n: number) => `otl_${id}_${junk(n)}`;
const randomId = () => [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join("");

function from(api: ApiLedger, remoteAddress: string) {
  return (method: InjectOptions["method"], url: string, key?: string, payload?: object) => api.app.inject({
    method, url, remoteAddress, headers: key === undefined ? {} : { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload }),
  });
}

t.test("API: principal buckets, address buckets for everything unverified", async (t) => {
  const api = await startApiLedger({ api: { rateLimitPerMinute: PER_PRINCIPAL }, config: { API_RATE_LIMIT_PER_ADDRESS: PER_ADDRESS } });
  t.teardown(() => api.close());
  const victim = await api.principal("victim", "auditor");
  const victimId = victim.key.split("_")[1]!;
  const attacker = from(api, "203.0.113.7");
  const victimClient = from(api, "198.51.100.2");

  await t.test("junk tokens carrying the victim's key id cannot lock the victim out", async (t) => {
    const codes: number[] = [];
    for (let i = 0; i < PER_PRINCIPAL + 5; i++) codes.push((await attacker("GET", "/v1/info", fakeKey(victimId, i))).statusCode);
    t.same(codes.slice(0, PER_ADDRESS), Array(PER_ADDRESS).fill(200), "public route served up to the address budget");
    t.ok(codes.slice(PER_ADDRESS).every((c) => c === 429), "then the attacker's address is limited");
    for (let i = 0; i < 5; i++) {
      const res = await attacker("GET", "/v1/records", fakeKey(victimId, i));
      t.equal(res.statusCode, 429, "wrong secrets for the victim's id are limited by the attacker's address (before scrypt)");
      t.match(res.json(), { statusCode: 429, code: "rate_limited", path: ["authorization"] });
    }
    const served = await victimClient("GET", "/v1/records?limit=1", victim.key);
    t.equal(served.statusCode, 200, "the victim's real key is still served");
    t.equal(served.headers["x-ratelimit-limit"], String(PER_PRINCIPAL), "from the victim principal's own budget");
  });

  await t.test("a fresh fake key id per request is limited by address", async (t) => {
    const client = from(api, "203.0.113.8");
    const codes: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 3; i++) codes.push((await client("GET", "/v1/records", fakeKey(randomId(), i))).statusCode);
    t.same(codes, [...Array(PER_ADDRESS).fill(401), 429, 429, 429]);
    const limited = await client("GET", "/v1/records");
    t.equal(limited.statusCode, 429, "no key at all: the same address budget");
    t.ok(Number(limited.headers["retry-after"]) > 0, "says when to retry");
    t.equal((await from(api, "203.0.113.9")("GET", "/v1/records")).statusCode, 401, "another address has its own budget");
    const guesser = from(api, "203.0.113.10");
    const guesses: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 2; i++) guesses.push((await guesser("GET", "/v1/records", fakeKey(victimId, i))).statusCode);
    t.same(guesses, [...Array(PER_ADDRESS).fill(401), 429, 429], "guessing the victim's secret: the guesser's address budget");
  });

  await t.test("one budget per principal, whichever of its keys is used", async (t) => {
    const p = await api.principal("two-keys", "auditor");
    const second = await api.request("POST", `/v1/admin/principals/${p.id}/keys`, api.adminKey, {});
    t.equal(second.statusCode, 201);
    const client = from(api, "198.51.100.3");
    const codes: number[] = [];
    for (let i = 0; i < PER_PRINCIPAL; i++) codes.push((await client("GET", "/v1/checkpoints", i % 2 === 0 ? p.key : second.json().key)).statusCode);
    t.same(codes, Array(PER_PRINCIPAL).fill(200));
    const res = await client("GET", "/v1/checkpoints", second.json().key);
    t.equal(res.statusCode, 429, "the second key does not add a budget");
    t.match(res.json(), { code: "rate_limited", path: ["authorization"] });
    t.equal((await client("GET", "/v1/checkpoints", victim.key)).statusCode, 200, "another principal from the same address is served");
  });
});

t.test("POST /v1/envelopes: per address before the signature check, per device after it", async (t) => {
  const api = await startApiLedger({ config: { INGEST_RATE_LIMIT_PER_ADDRESS: INGEST_PER_ADDRESS, INGEST_RATE_LIMIT_PER_DEVICE: INGEST_PER_DEVICE } });
  t.teardown(() => api.close());

  await t.test("garbage from one address", async (t) => {
    const client = from(api, "203.0.113.20");
    const codes: number[] = [];
    for (let i = 0; i < INGEST_PER_ADDRESS + 2; i++) codes.push((await client("POST", "/v1/envelopes", undefined, { header: {}, records: [], signature: "0x" })).statusCode);
    t.same(codes, [...Array(INGEST_PER_ADDRESS).fill(400), 429, 429]);
    const res = await client("POST", "/v1/envelopes", undefined, {});
    t.match(res.json(), { statusCode: 429, code: "rate_limited" });
    t.ok(Number(res.headers["retry-after"]) > 0);
  });

  await t.test("one device, many addresses", async (t) => {
    const device = await api.newDevice();
    const other = await api.newDevice();
    for (let i = 0; i < INGEST_PER_DEVICE; i++) {
      t.equal((await from(api, `198.51.100.${30 + i}`)("POST", "/v1/envelopes", undefined, device.envelope(api.domain, 2))).statusCode, 201);
    }
    const over = device.envelope(api.domain, 2, { commit: false });
    const res = await from(api, "198.51.100.60")("POST", "/v1/envelopes", undefined, over);
    t.equal(res.statusCode, 429, "the device's budget is spent, from whichever address");
    t.match(res.json(), { code: "rate_limited", path: ["header", "device"] });
    const stored = await api.ownerDb.query("SELECT count(*)::int AS n FROM envelopes WHERE device = $1", [Buffer.from(device.address.slice(2), "hex")]);
    t.equal(stored.rows[0].n, INGEST_PER_DEVICE, "the limited envelope was not stored");
    t.equal((await from(api, "198.51.100.61")("POST", "/v1/envelopes", undefined, other.envelope(api.domain, 1))).statusCode, 201, "another device is served");
  });
});
