// API keys never reach the logs: trace-level logs of bootstrap, key creation, authenticated and refused
// requests and revocation are captured and searched for every key and secret handed out.
import t from "tap";
import { Writable } from "node:stream";
import { Wallet } from "ethers";
import { buildApp } from "../../server/app.ts";
import { otledgerApi } from "../../server/api/plugin.ts";
import { parseKey } from "../../server/api/keys.ts";
import { loadConfig } from "../../server/config.ts";
import { startTestChain } from "../helpers/chain.ts";
import { TEST_CONFIG } from "../helpers/ledger.ts";
import { migratedDatabase, stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

t.test("no key or secret in the logs", async (t) => {
  const chain = await startTestChain();
  t.teardown(() => chain.close());
  const database = await migratedDatabase();
  let logs = "";
  const stream = new Writable({ write(chunk, _enc, done) { logs += chunk.toString(); done(); } });
  const config = loadConfig({}, { ...TEST_CONFIG, LOG_LEVEL: "trace" });
  const app = await buildApp({
    config, database, chain: { rpcUrl: chain.rpcUrl, contract: chain.contract, deployBlock: chain.deployBlock, chainId: chain.chainId, anchorer: new Wallet(chain.anchorerKey) },
  }, { logger: { level: "trace", stream, redact: ["req.headers.authorization", "req.headers.cookie"] } });
  const printed: string[] = [];
  await app.register(otledgerApi, { serviceKey: Wallet.createRandom() as unknown as Wallet, print: (line) => printed.push(line) });
  t.teardown(() => app.close());
  await app.ready();

  t.equal(printed.length, 1, "the bootstrap admin key is printed once");
  const adminKey = /otl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(printed[0]!)![0];
  const call = (method: string, url: string, key: string, payload?: object) =>
    app.inject({ method: method as "GET", url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload }) });
  const p = (await call("POST", "/v1/admin/principals", adminKey, { name: "acme", role: "partner" })).json();
  const created = await call("POST", `/v1/admin/principals/${p.id}/keys`, adminKey, { label: "prod" });
  t.equal(created.statusCode, 201);
  t.equal(created.headers["cache-control"], "no-store");
  const partnerKey = created.json().key as string;
  await call("POST", `/v1/admin/principals/${p.id}/grants`, adminKey, {});
  t.equal((await call("GET", "/v1/records", partnerKey)).statusCode, 200);
  const wrong = partnerKey.slice(0, -6) + "ZZZZZZ";
  const refused = await call("GET", "/v1/records", wrong);
  t.equal(refused.statusCode, 401);
  t.notOk(refused.body.includes(parseKey(wrong)!.secret), "a refusal does not echo the key");
  await call("DELETE", `/v1/admin/keys/${created.json().id}`, adminKey);
  t.equal((await call("GET", "/v1/records", partnerKey)).statusCode, 401);
  await app.close();

  t.ok(logs.length > 1000, "trace logs were captured");
  t.match(logs, /"reqId"/, "requests were logged");
  for (const key of [adminKey, partnerKey, wrong]) {
    t.notOk(logs.includes(key), "no full key in the logs");
    t.notOk(logs.includes(parseKey(key)!.secret), "no secret part in the logs");
  }
  t.notOk(logs.toLowerCase().includes("bearer otl_"), "no authorization header in the logs");
});
