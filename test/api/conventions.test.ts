// One convention across the API: every list pages with cursor / nextCursor / hasMore (as /v1/records does), and
// every instant is RFC 3339, the on-chain revocation time included (in /v1/devices, the admin routes and exports).
import t from "tap";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

t.test("checkpoints page like records; revokedAtTime is an RFC 3339 instant or null", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const auditor = await api.principal("auditor", "auditor");
  const kept = await api.newDevice({ register: false });
  const gone = await api.newDevice({ register: false });
  await api.enroll(kept, "plant-1");
  await api.enroll(gone, "plant-1");
  // One anchored checkpoint per envelope (each waits for the previous anchor): at least four to page through.
  for (let i = 0; i < 4; i++) {
    const res = await api.submit(kept.envelope(api.domain, 1));
    t.equal(res.status, 201);
    await api.waitAnchored(res.body.checkpoint.minTreeSize);
  }

  await t.test("GET /v1/checkpoints: cursor, nextCursor, hasMore", async (t) => {
    const all = (await api.get("/v1/checkpoints?limit=1000", auditor.key)).json();
    t.equal(all.hasMore, false);
    const total = all.checkpoints.length;
    t.ok(total >= 4, `${total} anchored checkpoints`);
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const res = await api.get(`/v1/checkpoints?limit=2${cursor === null ? "" : `&cursor=${cursor}`}`, auditor.key);
      t.equal(res.statusCode, 200);
      const body = res.json() as { checkpoints: { index: number }[]; nextCursor: string | null; hasMore: boolean };
      t.same(Object.keys(body).sort(), ["checkpoints", "hasMore", "nextCursor"], "the records' page shape");
      seen.push(...body.checkpoints.map((c) => c.index));
      if (body.checkpoints.length > 0) t.equal(body.nextCursor, String(body.checkpoints.at(-1)!.index), "nextCursor is the last index");
      cursor = body.nextCursor;
      if (!body.hasMore) break;
      t.equal(body.checkpoints.length, 2, "a page with more after it is full");
    }
    t.same(seen, all.checkpoints.map((c: { index: number }) => c.index).slice(0, seen.length), "every checkpoint once, in order");
    t.ok(seen.length >= total, "paged to the end");
    // The anchorer keeps running (these reads are access-logged, then anchored), so a checkpoint may be anchored
    // between the last page and this one: then the tail shows exactly the new ones, else the cursor stays put.
    const tail = (await api.get(`/v1/checkpoints?cursor=${cursor}`, auditor.key)).json() as { checkpoints: { index: number }[]; nextCursor: string; hasMore: boolean };
    const fresh = tail.checkpoints.map((c) => c.index);
    t.ok(fresh.every((i, k) => i === Number(cursor) + 1 + k), `only checkpoints after the cursor, in order (${fresh.length} new)`);
    t.equal(tail.nextCursor, fresh.length === 0 ? cursor : String(fresh.at(-1)), "at the end the cursor stays put (to tail new ones)");
    const old = await api.get("/v1/checkpoints?after=0", auditor.key);
    t.equal(old.statusCode, 400, "the old `after` parameter is refused, not ignored");
    t.match(old.json(), { code: "schema_invalid", path: ["after"] });
    t.match((await api.get("/v1/checkpoints?cursor=x", auditor.key)).json(), { statusCode: 400, path: ["cursor"] });
  });

  await t.test("revokedAtTime everywhere", async (t) => {
    const revoked = await api.request("POST", `/v1/admin/devices/${gone.address}/revoke`, api.adminKey);
    t.equal(revoked.statusCode, 200);
    const at = revoked.json().registry.revokedAtTime;
    t.match(at, RFC3339, "admin revoke answers an RFC 3339 instant");
    const block = await api.chain.provider.getBlock(revoked.json().registry.revokedAtBlock);
    t.equal(Date.parse(at), block!.timestamp * 1000, "the revoking block's time");

    type Listed = { address: string; registry: { revoked: boolean; revokedAtTime: unknown } }[];
    // The lists read ingest's registry mirror, which follows the chain within a poll interval.
    const listed = async (url: string, key: string) => waitFor(async () => {
      const devices = (await api.get(url, key)).json().devices as Listed;
      return devices.find((d) => d.address === gone.address)?.registry.revoked ? devices : undefined;
    }, { what: `${url} showing the revocation` });
    const admin = await listed("/v1/admin/devices", api.adminKey);
    const reader = await listed("/v1/devices", auditor.key);
    for (const [name, list] of [["admin", admin], ["reader", reader]] as const) {
      t.equal(list.find((d) => d.address === gone.address)?.registry.revokedAtTime, at, `${name} list: revoked device`);
      t.equal(list.find((d) => d.address === kept.address)?.registry.revokedAtTime, null, `${name} list: live device has none`);
    }
    const lines = (await api.get("/v1/export", auditor.key)).body.trim().split("\n").map((l) => JSON.parse(l));
    const devices = lines.filter((l) => l.type === "device");
    t.equal(devices.find((d) => d.address === gone.address)?.revokedAtTime, at, "export: revoked device");
    t.equal(devices.find((d) => d.address === kept.address)?.revokedAtTime, null, "export: live device");
    for (const l of lines) {
      for (const key of ["generatedAt", "anchoredAt", "receivedAt"]) if (key in l) t.match(l[key], RFC3339, `${l.type}.${key}`);
    }
  });
});
