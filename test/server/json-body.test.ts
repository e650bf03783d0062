// The JSON body parser of every route refuses what JSON.parse lets through, with the path: a repeated key
// (I-JSON, RFC 7493) -> 400 duplicate_key, an ill-formed string (lone surrogate) -> 400 schema_invalid. The scanner
// is checked against an independent JSON parser (momoa's AST) on generated texts full of repeats, escapes,
// lone surrogates and nesting.
import t from "tap";
import fc from "fast-check";
import { parse as parseAst, type ValueNode } from "@humanwhocodes/momoa";
import type { FastifyPluginAsync } from "fastify";
import { isWellFormed } from "../../core/index.ts";
import { findJsonDefect, type JsonDefect } from "../../server/http/json-scan.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

/** The oracle: the defect that appears first in the text, and its path, from momoa's AST. */
function oracleDefect(text: string): JsonDefect | undefined {
  let best: { offset: number; defect: JsonDefect } | undefined;
  const found = (offset: number, defect: JsonDefect) => { if (best === undefined || offset < best.offset) best = { offset, defect }; };
  const walk = (node: ValueNode, path: (string | number)[]) => {
    if (node.type === "String" && !isWellFormed(node.value)) found(node.loc.start.offset, { kind: "ill_formed_string", path });
    if (node.type === "Array") node.elements.forEach((e, i) => walk(e.value, [...path, i]));
    if (node.type !== "Object") return;
    const seen = new Set<string>();
    for (const m of node.members) {
      const key = m.name.type === "String" ? m.name.value : m.name.name;
      if (!isWellFormed(key)) found(m.name.loc.start.offset, { kind: "ill_formed_string", path: [...path, key] });
      else if (seen.has(key)) found(m.name.loc.start.offset, { kind: "duplicate_key", path: [...path, key] });
      seen.add(key);
      walk(m.value, [...path, key]);
    }
  };
  walk(parseAst(text).body, []);
  return best?.defect;
}

/** JSON string text of `chars`, each written plainly or as \u escapes (lone surrogates can only be escapes). */
const stringText = (alphabet: string[], maxLength: number) => fc.array(fc.constantFrom(...alphabet), { maxLength }).chain((chars) =>
  fc.array(fc.boolean(), { minLength: chars.length, maxLength: chars.length }).map((escape) =>
    '"' + chars.map((ch, i) => (escape[i] || !isWellFormed(ch) ? [...Array(ch.length).keys()].map((j) => "\\u" + ch.charCodeAt(j).toString(16).padStart(4, "0")).join("") : JSON.stringify(ch).slice(1, -1))).join("") + '"'));
/** Keys from a tiny alphabet, so repeats are common; now and then a lone surrogate. */
const keyText = fc.oneof({ weight: 9, arbitrary: stringText(["a", "b", '"', "\\", "é", "😀"], 2) }, { weight: 1, arbitrary: stringText(["a", "\ud800", "\udc00"], 2) });
const ws = fc.constantFrom("", " ", "\n\t ");
const { json } = fc.letrec<{ json: string; object: string; array: string; scalar: string }>((tie) => ({
  json: fc.oneof({ depthSize: "small", withCrossShrink: true }, tie("scalar"), tie("object"), tie("array")),
  scalar: fc.oneof(
    fc.constantFrom("1", "-0.5e3", "true", "null", '"x,{}[]"', '"\\"}"', '"\\\\"', '"\\ud83d\\ude00"'),
    fc.string().map((s) => JSON.stringify(s)),
    stringText(["x", "😀", "\ud83d", "\ude00"], 3),
  ),
  object: fc.array(fc.tuple(keyText, ws, tie("json")), { maxLength: 4 }).map((members) => "{" + members.map(([k, w, v]) => `${w}${k}${w}:${w}${v}`).join(",") + "}"),
  array: fc.array(tie("json"), { maxLength: 4 }).map((items) => "[" + items.join(" , ") + "]"),
}));

t.test("findJsonDefect agrees with an independent parser", async (t) => {
  const seen = { duplicate_key: 0, ill_formed_string: 0 };
  fc.assert(fc.property(json, (text) => {
    JSON.parse(text); // the generator writes valid JSON only
    const expected = oracleDefect(text);
    if (expected !== undefined) seen[expected.kind]++;
    return JSON.stringify(findJsonDefect(text)) === JSON.stringify(expected);
  }), { numRuns: 1500 });
  t.ok(seen.duplicate_key > 40 && seen.ill_formed_string > 40,  `the generator produced both defects (${JSON.stringify(seen)})`);
  t.same(findJsonDefect('{"a":1,"\\u0061":2}'), { kind: "duplicate_key", path: ["a"] }, "keys are compared decoded");
  t.same(findJsonDefect('{"a":"\\"a\\":","b":[{"c":1},{"c":2,"c":3}]}'), { kind: "duplicate_key", path: ["b", 1, "c"] }, "strings and sibling objects do not confuse it");
  t.same(findJsonDefect('{"a":["ok","\\ud83d\\ude00","x\\udc00"]}'), { kind: "ill_formed_string", path: ["a", 2] }, "an escaped pair is fine, a lone low surrogate is not");
});

const echo: FastifyPluginAsync = async (app) => {
  app.post("/test/echo", async (request) => ({ received: request.body }));
};

t.test("every route refuses duplicate keys (400 duplicate_key) and ill-formed strings (400 schema_invalid) with the path", async (t) => {
  const ledger = await startTestLedger({ listen: false, routes: [echo] });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  const post = (url: string, payload: string) => ledger.app.inject({ method: "POST", url, headers: { "content-type": "application/json" }, payload });
  const stored = async () => (await ledger.ownerDb.query("SELECT count(*)::int AS n FROM records")).rows[0].n as number;

  const text = JSON.stringify(device.envelope(ledger.domain, 2, { commit: false }));
  const cases: [string, string, (string | number)[]][] = [
    ["header.count given twice (a first-wins reader would see 99)", text.replace('"count":2', '"count":99,"count":2'), ["header", "count"]],
    ["the same key spelled with an escape", text.replace('"count":2', '"count":99,"\\u0063ount":2'), ["header", "count"]],
    ["a nested record field", text.replace(/"nodeId":"ns=2;s=TT-101.PV"/g, (m, offset: number) => (offset > text.indexOf('"seq":2') ? `${m},"nodeId":"i=85"` : m)), ["records", 1, "body", "nodeId"]],
    ["top-level key", text.replace('{"header"', '{"signature":"0x","header"'), ["signature"]],
  ];
  for (const [name, body, path] of cases) {
    JSON.parse(body);
    const res = await post("/v1/envelopes", body);
    t.equal(res.statusCode, 400, `${name}: 400`);
    t.match(res.json(), { statusCode: 400, code: "duplicate_key", path }, `${name}: duplicate_key at ${path.join(".")}`);
  }
  t.equal(await stored(), 0, "nothing was stored");

  const lone = await post("/v1/test/echo", '{"a":[{"name":"ok"},{"name":"x\\ud800"}]}');
  t.equal(lone.statusCode, 400, "a lone surrogate in any route's body: 400");
  t.match(lone.json(), { code: "schema_invalid", path: ["a", 1, "name"] });
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
