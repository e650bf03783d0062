// The audit's fast RFC 8785 record hash agrees with core's (the `canonicalize` package) on arbitrary JSON,
// including unicode, and rejects exactly what core rejects (lone surrogates).
import t from "tap";
import fc from "fast-check";
import { canonicalString, recordHash } from "../../core/index.ts";
import { canonicalJson, recordHashOf } from "../../auditor/audit/record-hash.ts";
import { TestDeviceV2 } from "../helpers/envelopes.ts";

const agree = (value: unknown): boolean => {
  let core: string | Error, mine: string | Error;
  try { core = canonicalString(value); } catch (e) { core = e as Error; }
  try { mine = canonicalJson(value); } catch (e) { mine = e as Error; }
  return typeof core === "string" ? core === mine : mine instanceof Error;
};

t.test("same canonical text as core on arbitrary JSON (full unicode)", async (t) => {
  fc.assert(fc.property(fc.jsonValue({ depthSize: "medium" }), (v) => agree(JSON.parse(JSON.stringify(v)))), { numRuns: 2000 });
  fc.assert(fc.property(fc.dictionary(fc.string({ unit: "binary" }), fc.string({ unit: "binary" })), (v) => agree(v)), { numRuns: 1000 });
  t.pass("2000 JSON values and 1000 objects with arbitrary UTF-16 keys and strings agree");
});

t.test("lone surrogates are refused in strings and in keys, like core", async (t) => {
  for (const v of [{ a: "\ud800" }, { ["\udc00"]: 1 }, ["x\udbff"]]) {
    t.throws(() => canonicalJson(v));
    t.throws(() => canonicalString(v));
  }
  t.equal(canonicalJson({ a: "😀", b: -0, c: 1e21, d: 5e-7 }), canonicalString({ a: "😀", b: -0, c: 1e21, d: 5e-7 }));
});

t.test("record hashes (of v2 headers) equal core's recordHash", async (t) => {
  const device = new TestDeviceV2();
  const headers = [...device.records(20, { samples: 3 }), ...device.records(5, { make: "event", text: "ünïcødé 😀" }), ...device.records(5, { make: "reading", stream: "Ω-7" })].map((r) => r.header);
  fc.assert(fc.property(fc.constantFrom(...headers), fc.integer({ min: 1, max: 1e9 }), (h, seq) => {
    const header = JSON.parse(JSON.stringify({ ...h, seq: seq + 1 }));
    return recordHashOf(header).toString("hex") === recordHash(header).slice(2);
  }), { numRuns: 500 });
  t.pass();
});
