// Bad input never gets a 5xx (a property test over the envelope schema against the real service), and a lone
// surrogate in any record string gets 400 schema_invalid with the field's path, without key or signature
// checks mattering and without writing anything.
import t from "tap";
import fc from "fast-check";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path into a JSON value (objects and arrays), the root excluded. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}
const parentOf = (root: Json, path: (string | number)[]) => path.slice(0, -1).reduce<Json>((node, k) => (node as { [k: string]: Json })[k]!, root) as { [k: string]: Json };

const loneSurrogateText = fc.tuple(fc.string({ maxLength: 4 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 4 }))
  .map(([a, s, b]) => a + String.fromCharCode(s) + b);
const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { weight: 2, arbitrary: loneSurrogateText }, fc.string({ unit: "binary", maxLength: 8 }),
  fc.constantFrom<Json>(-1, 0, 1.5, 2 ** 53, 1e308, "", "0x", null, true, [], {}),
);

/** One mutation of a valid envelope, applied to its parsed form or to its JSON text. */
type Mutation = (envelope: Json, paths: (string | number)[][]) => string;
/** Names a mutation in fast-check's counterexamples. */
const named = (what: string, m: Mutation): Mutation => Object.assign(m, { [fc.toStringMethod]: () => what });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), anyValue).map(([n, v]): Mutation => named(`set path #${n} to ${fc.stringify(v)}`, (env, paths) => { const p = paths[n % paths.length]!; parentOf(env, p)[p[p.length - 1]!] = v; return JSON.stringify(env); })),
  fc.nat().map((n): Mutation => named(`delete path #${n}`, (env, paths) => { const p = paths[n % paths.length]!; const parent = parentOf(env, p); if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1); else delete parent[p[p.length - 1]!]; return JSON.stringify(env); })),
  fc.tuple(fc.nat(), fc.string({ maxLength: 6 }), anyValue).map(([n, k, v]): Mutation => named(`add key ${fc.stringify(k)} = ${fc.stringify(v)} to object #${n}`, (env, paths) => {
    const objects = [[], ...paths].filter((p) => { const node = p.length === 0 ? env : parentOf(env, [...p, "x"]); return node !== null && typeof node === "object" && !Array.isArray(node); });
    const p = objects[n % objects.length]!;
    (p.length === 0 ? env as { [k: string]: Json } : parentOf(env, [...p, "x"]))[k] = v;
    return JSON.stringify(env);
  })),
  // a duplicate key: an existing key given once more, before the real one
  fc.tuple(fc.nat(), anyValue).map(([n, v]): Mutation => named(`repeat key #${n} with ${fc.stringify(v)} first`, (env) => {
    const text = JSON.stringify(env);
    const keys = [...text.matchAll(/[{,]"(\w+)":/g)];
    const m = keys[n % keys.length]!;
    const at = m.index! + 1;
    return `${text.slice(0, at)}"${m[1]}":${JSON.stringify(v)},${text.slice(at)}`;
  })),
  fc.tuple(fc.nat(), fc.string({ maxLength: 3 })).map(([n, junk]): Mutation => named(`replace char #${n} of the text with ${fc.stringify(junk)}`, (env) => { const text = JSON.stringify(env); const at = n % text.length; return text.slice(0, at) + junk + text.slice(at + 1); })),
);

t.test("bad envelopes", async (t) => {
  const ledger = await startTestLedger({ listen: false });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  // A v2 envelope of a short series and an event (with its personal opening).
  const valid = device.sign(ledger.domain, [...device.records(1, { samples: 3 }), ...device.records(1, { make: "event" })]);
  // Load shedding (503 under_pressure, with retry-after) is about the machine, not the input: retry it, as a client does.
  const post = async (payload: string) => {
    for (let attempt = 0; ; attempt++) {
      const res = await ledger.app.inject({ method: "POST", url: "/v1/envelopes", headers: { "content-type": "application/json" }, payload });
      if (res.statusCode !== 503 || res.json().code !== "under_pressure" || attempt === 20) return res;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  const stored = async () => (await ledger.ownerDb.query("SELECT count(*)::int AS n FROM records")).rows[0].n as number;

  await t.test("a lone surrogate in any record string: 400 schema_invalid at that field, unsigned or not", async (t) => {
    const fields: (string | number)[][] = [
      ["records", 0, "stream", "name"], ["records", 0, "body", "nodeId"], ["records", 0, "body", "unit"],
      ["records", 1, "stream", "name"], ["records", 1, "body", "workOrder"], ["records", 1, "body", "asset"],
      ["records", 1, "personal", "actor"], ["records", 1, "personal", "text"],
    ];
    for (const path of fields) {
      for (const lone of ["\ud800", "a\udfffb"]) {
        const env = structuredClone(valid) as unknown as Json;
        parentOf(env, path)[path[path.length - 1]!] = lone;
        const res = await post(JSON.stringify(env));
        t.equal(res.statusCode, 400, `${path.join(".")}: 400`);
        t.match(res.json(), { statusCode: 400, code: "schema_invalid", path }, `${path.join(".")}: schema_invalid at the field`);
      }
    }
    t.equal(await stored(), 0, "nothing written");
  });

  await t.test("generated bad envelopes never get a 5xx, always the error shape, and write only what was accepted", async (t) => {
    let accepted = 0;
    const statuses = new Map<number, number>();
    await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      let text = JSON.stringify(valid);
      for (const m of mutations) {
        let env: Json;
        try { env = JSON.parse(text) as Json; } catch { break; } // already not JSON: later mutations would not parse it
        const paths = pathsOf(env);
        text = m(env, paths.length > 0 ? paths : [["header"]]);
      }
      const res = await post(text);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode === 201) accepted++;
      if (res.statusCode >= 500) return false;
      if (res.statusCode >= 400) {
        const body = res.json();
        return typeof body.code === "string" && body.statusCode === res.statusCode && typeof body.message === "string" && Array.isArray(body.path);
      }
      return true;
    }), { numRuns: 200 });
    t.pass(`statuses seen: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    t.ok((statuses.get(400) ?? 0) > 50, "most generated envelopes are refused as bad input");
    t.equal(await stored(), 2 * accepted, "only accepted envelopes were written");
  });
});
