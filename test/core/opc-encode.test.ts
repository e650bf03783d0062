// encodeOpcValue / decodeOpcValue: native node-opcua values to the exact JSON OpcValue form (PROTOCOL §4.5) and back.
import t from "tap";
import fc from "fast-check";
import { decodeOpcValue, encodeOpcValue, EncodingError, OpcValueV2Schema } from "../../core/index.ts";

t.test("property: OPC UA values survive encode → JSON → decode exactly", async (t) => {
  const same = (a: unknown, b: unknown) => Object.is(a, b) || (a instanceof Buffer && b instanceof Uint8Array && Buffer.compare(a, b) === 0);
  const roundTrip = (type: Parameters<typeof encodeOpcValue>[0], x: unknown) => {
    const encoded = encodeOpcValue(type, x);
    const reparsed = OpcValueV2Schema.parse(JSON.parse(JSON.stringify(encoded)));
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

t.test("encodeOpcValue writes the one spelling of NodeId and LocalizedText", async (t) => {
  t.same(encodeOpcValue("NodeId", "ns=0;i=2258"), { t: "NodeId", v: "i=2258" }, "no ns=0; prefix");
  t.same(encodeOpcValue("LocalizedText", { locale: "", text: null }), { t: "LocalizedText", v: { locale: null, text: "" } }, 'locale null, text ""');
  t.equal((t.throws(() => encodeOpcValue("NodeId", "x=1")) as EncodingError).code, "opc_value_invalid", "not a NodeId");
});
