// One spelling (PROTOCOL §4): decode → encode is the identity for every accepted record of every kind, and the
// second spellings v1 accepted (ns=0;, locale "", text null, lone surrogates) are rejected with their paths.
import t from "tap";
import fc from "fast-check";
import {
  canonicalString, checkRecord, RecordError, RecordOrStubSchema, RecordSchema, stubOf, type FullRecord,
} from "../../core/index.ts";
import { recordArb } from "./arbitraries.ts";
import { getPath, setPath, type Path } from "./vectors/paths.ts";

t.test("property: every generated record of every kind survives JSON → parse → JCS unchanged", async (t) => {
  const kinds = new Set<string>();
  t.doesNotThrow(() => fc.assert(fc.property(recordArb, (r) => {
    kinds.add(r.header.kind);
    const wire = JSON.stringify(r);
    const decoded = RecordSchema.parse(JSON.parse(wire));
    const stub = RecordOrStubSchema.parse(JSON.parse(JSON.stringify(stubOf(r))));
    return canonicalString(decoded) === canonicalString(r) && canonicalString(stub) === canonicalString({ header: r.header })
      && checkRecord(JSON.parse(wire)).openings === "full";
  }), { numRuns: 300 }));
  t.same([...kinds].sort(), ["access", "erasure", "event", "reading", "series"], "every kind was generated");
});

/** The first path in `r` whose value is a string satisfying `pick`, depth first. */
function stringPaths(v: unknown, path: Path = []): Path[] {
  if (typeof v === "string") return [path];
  if (v !== null && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => stringPaths(x, [...path, Array.isArray(v) ? Number(k) : k]));
  return [];
}
const rejection = (x: unknown) => { try { checkRecord(x); return null; } catch (e) { return e as RecordError; } };

t.test("property: a lone surrogate in any string of any record is schema_invalid at that string's path", async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(recordArb, fc.nat(), fc.constantFrom("\ud800", "\udfff", "x\udc00"), (r, which, lone) => {
    const paths = stringPaths(r);
    const path = paths[which % paths.length]!;
    const err = rejection(setPath(r, path, String(getPath(r, path)) + lone));
    return err !== null && err.code === "schema_invalid" && JSON.stringify(err.path) === JSON.stringify(path);
  }), { numRuns: 300 }));
});

const anyRecordOf = (kind: string) => fc.sample(recordArb.filter((r) => r.header.kind === kind), { numRuns: 1, seed: 7 })[0]!;

t.test("the second spellings are rejected with their paths", async (t) => {
  const reading = anyRecordOf("reading");
  const cases: [string, FullRecord, Path, unknown, Path][] = [
    ["ns=0; prefix", reading, ["body", "nodeId"], "ns=0;i=85", ["body", "nodeId"]],
    ["leading zero", reading, ["body", "nodeId"], "i=085", ["body", "nodeId"]],
    ["ns above 65535", reading, ["body", "nodeId"], "ns=65536;i=1", ["body", "nodeId"]],
    ["nsu=", reading, ["body", "nodeId"], "nsu=urn:x;i=1", ["body", "nodeId"]],
    ["uppercase GUID", reading, ["body", "nodeId"], "g=72962B91-FA75-4AE6-8D28-B404DC7DAF63", ["body", "nodeId"]],
    ["locale \"\"", reading, ["body", "value"], { t: "LocalizedText", v: { locale: "", text: "x" } }, ["body", "value", "v", "locale"]],
    ["text null", reading, ["body", "value"], { t: "LocalizedText", v: { locale: null, text: null } }, ["body", "value", "v", "text"]],
    ["in an array element", reading, ["body", "value"], { t: "LocalizedText", v: [{ locale: null, text: "" }, { locale: "", text: "" }] }, ["body", "value", "v", 1, "locale"]],
    ["NodeId value ns=0;", reading, ["body", "value"], { t: "NodeId", v: "ns=0;s=x" }, ["body", "value", "v"]],
    ["unknown DataType", reading, ["body", "value"], { t: "Variant", v: 1 }, ["body", "value", "t"]],
    ["number -0", reading, ["body", "value"], { t: "Double", v: -0 }, ["body", "value", "v"]],
    ["unit \"\"", reading, ["body", "unit"], "", ["body", "unit"]],
  ];
  for (const [why, r, at, value, path] of cases) {
    const err = rejection(setPath(r, at, value));
    t.equal(err?.code, "schema_invalid", why);
    t.same(err?.path, path, `${why}: path`);
  }
});
