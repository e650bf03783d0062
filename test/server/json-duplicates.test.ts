// Duplicate JSON keys (I-JSON, RFC 7493): the body parser of every route refuses them with 400 duplicate_key
// and the path of the repeated key, before any route sees the body. The scanner is checked against an
// independent JSON parser (momoa's AST) on generated texts full of duplicates, escapes and nesting.
import t from "tap";
import fc from "fast-check";
import { parse as parseAst, type ValueNode } from "@humanwhocodes/momoa";
import type { FastifyPluginAsync } from "fastify";
import { findDuplicateKey } from "../../server/http/json-duplicates.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

/** The oracle: the repeated key that appears first in the text, and its path, from momoa's AST. */
function oracleDuplicate(text: string): (string | number)[] | undefined {
  let best: { offset: number; path: (string | number)[] } | undefined;
  const walk = (node: ValueNode, path: (string | number)[]) => {
    if (node.type === "Array") node.elements.forEach((e, i) => walk(e.value, [...path, i]));
    if (node.type !== "Object") return;
    const seen = new Set<string>();
    for (const m of node.members) {
      const key = m.name.type === "String" ? m.name.value : m.name.name;
      if (seen.has(key) && (best === undefined || m.name.loc.start.offset < best.offset)) best = { offset: m.name.loc.start.offset, path: [...path, key] };
      seen.add(key);
      walk(m.value, [...path, key]);
    }
  };
  walk(parseAst(text).body, []);
  return best?.path;
}

/** A key from a tiny alphabet (so repeats are common), written with random \u escapes, quotes and backslashes. */
const keyText = fc.array(fc.constantFrom("a", "b", '"', "\\", "é", "😀"), { minLength: 0, maxLength: 2 }).chain((chars) =>
  fc.array(fc.boolean(), { minLength: chars.length, maxLength: chars.length }).map((escape) => ({
    key: chars.join(""),
    text: '"' + chars.map((ch, i) => (escape[i] ? [...ch].map((_, j) => "\\u" + ch.charCodeAt(j).toString(16).padStart(4, "0")).join("") : JSON.stringify(ch).slice(1, -1))).join("") + '"',
  })));
const ws = fc.constantFrom("", " ", "\n\t ");
const { json } = fc.letrec<{ json: string; object: string; array: string; scalar: string }>((tie) => ({
  json: fc.oneof({ depthSize: "small", withCrossShrink: true }, tie("scalar"), tie("object"), tie("array")),
  scalar: fc.oneof(fc.constantFrom("1", "-0.5e3", "true", "null", '"x,{}[]"', '"\\"}"', '"\\\\"'), fc.string().map((s) => JSON.stringify(s))),
  object: fc.array(fc.tuple(keyText, ws, tie("json")), { maxLength: 4 }).map((members) => "{" + members.map(([k, w, v]) => `${w}${k.text}${w}:${w}${v}`).join(",") + "}"),
  array: fc.array(tie("json"), { maxLength: 4 }).map((items) => "[" + items.join(" , ") + "]"),
}));

t.test("findDuplicateKey agrees with an independent parser", async (t) => {
  let withDuplicates = 0;
  fc.assert(fc.property(json, (text) => {
    JSON.parse(text); // the generator writes valid JSON only
    const expected = oracleDuplicate(text);
    if (expected !== undefined) withDuplicates++;
    return JSON.stringify(findDuplicateKey(text)) === JSON.stringify(expected);
  }), { numRuns: 1500 });
  t.ok(withDuplicates > 100, `the generator produced texts with duplicates (${withDuplicates})`);
  t.same(findDuplicateKey('{"a":1,"\\u0061":2}'), ["a"], "keys are compared decoded");
  t.same(findDuplicateKey('{"a":"\\"a\\":","b":[{"c":1},{"c":2,"c":3}]}'), ["b", 1, "c"], "strings and sibling objects do not confuse it");
});

const echo: FastifyPluginAsync = async (app) => {
  app.post("/test/echo", async (request) => ({ received: request.body }));
};

t.test("every route refuses duplicate keys with 400 duplicate_key and the path", async (t) => {
  const ledger = await startTestLedger({ listen: false, routes: [echo] });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  const post = (url: string, payload: string) => ledger.app.inject({ method: "POST", url, headers: { "content-type": "application/json" }, payload });
  const stored = async () => (await ledger.ownerDb.query("SELECT count(*)::int AS n FROM records")).rows[0].n as number;

  const text = JSON.stringify(device.envelope(ledger.domain, 2, { commit: false }));
  const cases: [string, string, (string | number)[]][] = [
    ["header.count given twice (a first-wins reader would see 99)", text.replace('"count":2', '"count":99,"count":2'), ["header", "count"]],
    ["the same key spelled with an escape", text.replace('"count":2', '"count":99,"\\u0063ount":2'), ["header", "count"]],
    ["a nested record field", text.replace(/"tag":"pump1.pressure"/g, (m, offset: number) => (offset > text.indexOf('"seq":2') ? `${m},"tag":"other"` : m)), ["records", 1, "body", "tag"]],
    ["top-level key", text.replace('{"header"', '{"signature":"0x","header"'), ["signature"]],
  ];
  for (const [name, body, path] of cases) {
    JSON.parse(body);
    const res = await post("/v1/envelopes", body);
    t.equal(res.statusCode, 400, `${name}: 400`);
    t.match(res.json(), { statusCode: 400, code: "duplicate_key", path }, `${name}: duplicate_key at ${path.join(".")}`);
  }
  t.equal(await stored(), 0, "nothing was stored");

  const other = await post("/v1/test/echo", '{"a":{"b":1,"b":2}}');
  t.equal(other.statusCode, 400, "another route: 400");
  t.match(other.json(), { code: "duplicate_key", path: ["a", "b"] });
  t.same((await post("/v1/test/echo", '{"a":{"b":1,"c":[{"b":2},{"b":3}]}}')).json(), { received: { a: { b: 1, c: [{ b: 2 }, { b: 3 }] } } }, "the same key in different objects is fine");
  t.match((await post("/v1/test/echo", '{"__proto__":{"x":1}}')).json(), { statusCode: 400, code: "invalid_json" }, "prototype poisoning is still refused");
  t.match((await post("/v1/test/echo", "")).json(), { statusCode: 400, code: "body_empty" }, "an empty body is still body_empty");
  t.match((await post("/v1/test/echo", "{nope")).json(), { statusCode: 400, code: "invalid_json" }, "invalid JSON is still invalid_json");

  t.equal((await post("/v1/envelopes", text)).statusCode, 201, "the envelope without duplicates is stored");
  t.equal(await stored(), 2);
});
