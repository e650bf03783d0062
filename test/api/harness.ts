/**
 * The API on a real test ledger (embedded PostgreSQL + anvil + the app), for test/api and bench/.
 *
 *   const api = await startApiLedger();                       // t.teardown(() => api.close())
 *   const partner = await api.principal("acme", "partner");   // { id, key }
 *   await api.grant(partner.id, { site: "plant-1" });
 *   const res = await api.get("/v1/records?limit=5", partner.key);
 *   const device = await api.newDevice();                     // TestDeviceV2, registered on-chain
 *   await api.submit(device.envelope(api.domain, 3));         // v2 envelope (series by default)
 */
import type { FastifyPluginAsync, LightMyRequestResponse } from "fastify";
import { Wallet } from "ethers";
import { otledgerApi, type ApiOptions } from "../../server/api/plugin.ts";
import { generateKey } from "../../server/api/keys.ts";
import type { Config } from "../../server/config.ts";
import { startTestLedger, type TestLedger } from "../helpers/ledger.ts";
import type { TestChain } from "../helpers/chain.ts";

export type ApiLedger = TestLedger & {
  adminKey: string;
  serviceKey: Wallet;
  request(method: string, url: string, key?: string, body?: unknown): Promise<LightMyRequestResponse>;
  get(url: string, key?: string): Promise<LightMyRequestResponse>;
  principal(name: string, role: "admin" | "partner" | "auditor"): Promise<{ id: number; key: string }>;
  grant(principalId: number, grant: Record<string, unknown>): Promise<{ id: number }>;
  enroll(device: { address: string }, site: string): Promise<void>;
};

export async function startApiLedger(options: { config?: Partial<Config>; api?: Partial<ApiOptions>; chain?: TestChain; workers?: boolean; database?: { ownerUrl: string; appUrl: string }; routes?: FastifyPluginAsync[] } = {}): Promise<ApiLedger> {
  // Tests come from one address (127.0.0.1): its budget for unauthenticated requests is raised unless a test sets it.
  const config = { API_RATE_LIMIT_PER_ADDRESS: 100_000, ...options.config };
  const ledger = await startTestLedger({ listen: false, config, chain: options.chain, workers: options.workers, database: options.database, routes: options.routes });
  const adminKey = generateKey().key;
  const serviceKey = Wallet.createRandom() as unknown as Wallet;
  try {
    await ledger.app.register(otledgerApi, { serviceKey, adminKey, rateLimitPerMinute: 100_000, print: () => {}, ...options.api });
    await ledger.app.listen({ port: 0, host: "127.0.0.1" });
  } catch (err) {
    await ledger.close();
    throw err;
  }
  const address = ledger.app.server.address();
  const url = typeof address === "object" && address !== null ? `http://127.0.0.1:${address.port}` : "";
  const request = (method: string, path: string, key?: string, body?: unknown) => ledger.app.inject({
    method: method as "GET", url: path, headers: key === undefined ? {} : { authorization: `Bearer ${key}` }, ...(body === undefined ? {} : { payload: body as object }),
  });
  const api: ApiLedger = {
    ...ledger, url, adminKey, serviceKey, request,
    get: (path, key) => request("GET", path, key),
    async principal(name, role) {
      const p = await request("POST", "/v1/admin/principals", adminKey, { name, role });
      if (p.statusCode !== 201) throw new Error(`principal: ${p.statusCode} ${p.body}`);
      const k = await request("POST", `/v1/admin/principals/${p.json().id}/keys`, adminKey, {});
      if (k.statusCode !== 201) throw new Error(`key: ${k.statusCode} ${k.body}`);
      return { id: p.json().id, key: k.json().key };
    },
    async grant(principalId, grant) {
      const g = await request("POST", `/v1/admin/principals/${principalId}/grants`, adminKey, grant);
      if (g.statusCode !== 201) throw new Error(`grant: ${g.statusCode} ${g.body}`);
      return g.json();
    },
    async enroll(device, site) {
      const e = await request("POST", "/v1/admin/devices", adminKey, { address: device.address, site });
      if (e.statusCode !== 201) throw new Error(`enroll: ${e.statusCode} ${e.body}`);
    },
  };
  return api;
}
