// Records, OPC UA value encoding and canonical bytes against docs/vectors and the RFC 8785 example.
import t from "tap";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import canonicalize from "canonicalize";
import {
  canonicalString, decodeOpcValue, encodeOpcValue, EncodingError, OpcValueSchema, recordHash, RecordSchema, type Record,
} from "../../core/index.ts";

const vectors = (name: string) => JSON.parse(readFileSync(new URL(`../../docs/vectors/${name}`, import.meta.url), "utf8"));

t.test("record vectors: canonical text and hash", async (t) => {
  const { vectors: list } = vectors("records.json") as { vectors: { name: string; record: Record; canonical: string; canonicalHex: string; recordHash: string }[] };
  t.ok(list.length >= 10);
  let prev: string | null = null;
  for (const v of list) {
    const record = RecordSchema.parse(v.record);
    t.equal(canonicalString(record), v.canonical, `${v.name}: canonical text`);
    t.equal("0x" + Buffer.from(v.canonical, "utf8").toString("hex"), v.canonicalHex, `${v.name}: UTF-8 bytes`);
    t.equal(recordHash(record), v.recordHash, `${v.name}: hash`);
    t.equal(record.prev, prev, `${v.name}: chained to the previous record`);
    prev = v.recordHash;
  }
});

t.test("OpcValue vectors: valid values and their canonical text, invalid values rejected", async (t) => {
  const { valid, invalid } = vectors("opc-values.json") as { valid: { value: unknown; canonical: string }[]; invalid: { value: unknown; reason: string }[] };
  // Messages avoid the values themselves: U+2028 in a TAP message would break the TAP stream.
  for (const [i, v] of valid.entries()) {
    t.ok(OpcValueSchema.safeParse(v.value).success, `valid value #${i}`);
    t.equal(canonicalString(v.value), v.canonical);
  }
  for (const v of invalid) t.notOk(OpcValueSchema.safeParse(v.value).success, `invalid: ${v.reason}`);
  t.notOk(OpcValueSchema.safeParse({ t: "Double", v: -0 }).success, "the number -0 is invalid: JCS would print 0");
  t.notOk(OpcValueSchema.safeParse({ t: "Float", v: -0 }).success, "the number -0 is invalid for Float too");
});

t.test("canonicalize implements the RFC 8785 §3.2.3 example", async (t) => {
  const input = JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}');
  t.equal(canonicalString(input), '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  t.equal((t.throws(() => canonicalString({ x: NaN })) as EncodingError).code, "canonical_invalid");
});

t.test("record schema rules", async (t) => {
  const { vectors: list } = vectors("records.json") as { vectors: { record: Record }[] };
  const first = list[0]!.record, second = list[1]!.record;
  t.ok(RecordSchema.safeParse(first).success);
  const bad = (r: unknown, why: string) => t.notOk(RecordSchema.safeParse(r).success, why);
  bad({ ...first, extra: 1 }, "unknown top-level keys are rejected, not stripped");
  bad({ ...first, body: { ...first.body, extra: 1 } }, "unknown body keys are rejected");
  bad({ ...first, prev: second.prev }, "seq 1 has prev null");
  bad({ ...second, prev: null }, "seq > 1 has a prev");
  bad({ ...first, device: first.device.toUpperCase().replace("0X", "0x") }, "addresses are lowercase");
  bad({ ...first, ts: "2026-11-24T22:56:02.123+00:00" }, "timestamps are UTC Z");
  bad({ ...first, ts: "2026-11-24T22:56:02.1234Z" }, "timestamps have millisecond precision");
  bad({ ...first, seq: 0 }, "seq counts from 1");
  bad({ ...first, kind: "event" }, "the body must match the kind");
  bad({ ...first, v: 2 }, "only version 1");
});

t.test("property: canonical text equals the canonicalize oracle and parses back to the same record", async (t) => {
  const { vectors: list } = vectors("records.json") as { vectors: { record: Record }[] };
  const base = list[0]!.record as Extract<Record, { kind: "reading" }>;
  t.doesNotThrow(() => fc.assert(fc.property(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), (tag, v, unit) => {
    fc.pre(tag.length > 0 && !Object.is(v, -0));
    const r = { ...base, body: { ...base.body, tag, unit, value: { t: "Double" as const, v } } };
    const parsed = RecordSchema.safeParse(r);
    if (!parsed.success) return /[\ud800-\udfff]/.test(tag + unit) || tag.length > 256 || unit.length > 64 || unit.length === 0;
    const text = canonicalString(parsed.data);
    return text === canonicalize(r) && recordHash(RecordSchema.parse(JSON.parse(text))) === recordHash(parsed.data);
  }), { numRuns: 300 }));
});

t.test("property: OPC UA values survive encode → JSON → decode exactly", async (t) => {
  const same = (a: unknown, b: unknown) => Object.is(a, b) || (a instanceof Buffer && b instanceof Uint8Array && Buffer.compare(a, b) === 0);
  const roundTrip = (type: Parameters<typeof encodeOpcValue>[0], x: unknown) => {
    const encoded = encodeOpcValue(type, x);
    const reparsed = OpcValueSchema.parse(JSON.parse(JSON.stringify(encoded)));
    return decodeOpcValue(reparsed);
  };
  t.doesNotThrow(() => fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (x) => roundTrip("Int64", x) === x)));
  t.doesNotThrow(() => fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (x) => roundTrip("UInt64", x) === x)));
  t.doesNotThrow(() => fc.assert(fc.property(fc.double(), (x) => same(roundTrip("Double", x), x))));
  t.doesNotThrow(() => fc.assert(fc.property(fc.float(), (x) => same(roundTrip("Float", x), x))));
  t.doesNotThrow(() => fc.assert(fc.property(fc.uint8Array(), (x) => same(roundTrip("ByteString", x), Buffer.from(x)))));
  t.doesNotThrow(() => fc.assert(fc.property(fc.date({ noInvalidDate: true, min: new Date(-62135596800000), max: new Date(253402300799999) }),
    (d) => (roundTrip("DateTime", d) as Date).getTime() === d.getTime())));
  t.equal(roundTrip("UInt64", [1, 2]), 4294967298n, "node-opcua [high, low] words");
  t.equal(roundTrip("Int64", [0xffffffff, 0xffffffff]), -1n, "two's complement [high, low]");
  t.same(roundTrip("Double", Float64Array.from([1, NaN])), [1, NaN]);
  t.equal((t.throws(() => encodeOpcValue("Byte", 256)) as EncodingError).code, "opc_value_invalid");
  t.equal((t.throws(() => encodeOpcValue("Int64", 1.5)) as EncodingError).code, "opc_value_invalid");
});

t.test("encodeOpcValue rejects unknown DataTypes, including prototype names", async (t) => {
  for (const name of ["Variant", "toString", "constructor"]) {
    t.equal((t.throws(() => encodeOpcValue(name as never, 1)) as EncodingError).code, "opc_value_invalid", name);
  }
  t.same(encodeOpcValue("Int64", [[0, 1], [0xffffffff, 0xffffffff]]), { t: "Int64", v: ["1", "-1"] }, "array of [high, low] pairs");
  t.same(encodeOpcValue("Byte", Uint8Array.from([1, 2])), { t: "Byte", v: [1, 2] }, "a typed array of Bytes is an array");
});
