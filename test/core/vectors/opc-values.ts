// OpcValue validity vectors: what the schema accepts and what it rejects (and why).
import { canonicalString, OpcValueSchema } from "../../../core/index.ts";

const VALID: unknown[] = [
  { t: "Null", v: null },
  { t: "Boolean", v: true },
  { t: "SByte", v: -128 }, { t: "Byte", v: 255 }, { t: "Int16", v: -32768 }, { t: "UInt16", v: 65535 },
  { t: "Int32", v: -2147483648 }, { t: "UInt32", v: 4294967295 },
  { t: "Int64", v: "9223372036854775807" }, { t: "Int64", v: "0" }, { t: "UInt64", v: "18446744073709551615" },
  { t: "Float", v: 0.5 }, { t: "Float", v: "-Infinity" }, { t: "Double", v: 1e-7 }, { t: "Double", v: "-0" },
  { t: "String", v: "ü\u2028" }, { t: "DateTime", v: "1601-01-01T00:00:00.000Z" },
  { t: "Guid", v: "00000000-0000-0000-0000-000000000000" }, { t: "ByteString", v: "" }, { t: "ByteString", v: "/+8=" },
  { t: "StatusCode", v: 2147483648 }, { t: "NodeId", v: "ns=3;i=1001" },
  { t: "LocalizedText", v: { locale: null, text: "x" } }, { t: "QualifiedName", v: { ns: 2, name: "Temperature" } },
  { t: "Boolean", v: [true, false] }, { t: "UInt64", v: ["1", "2"] },
];
// The number -0 is invalid too (it must be the string "-0"), but JSON files cannot hold it: JSON.stringify(-0) is "0".
// test/core/records.test.ts checks it directly.
const INVALID: [unknown, string][] = [
  [{ t: "Float", v: 0.1 }, "0.1 is not a single-precision value; Math.fround(0.1) is"],
  [{ t: "Int64", v: 5 }, "64-bit integers are decimal strings"],
  [{ t: "Int64", v: "007" }, "leading zeros: not the canonical decimal spelling"],
  [{ t: "UInt64", v: "18446744073709551615a" }, "not a decimal string at all"],
  [{ t: "Int64", v: "-0" }, "negative zero is not a canonical integer"],
  [{ t: "Int64", v: "9223372036854775808" }, "out of Int64 range"],
  [{ t: "UInt64", v: "-1" }, "out of UInt64 range"],
  [{ t: "Byte", v: 256 }, "out of Byte range"],
  [{ t: "Int32", v: 1.5 }, "not an integer"],
  [{ t: "Double", v: "nan" }, "the special values are exactly NaN, Infinity, -Infinity, -0"],
  [{ t: "ByteString", v: "AAE" }, "base64 must be padded"],
  [{ t: "ByteString", v: "AAF=" }, "non-canonical base64 (non-zero pad bits)"],
  [{ t: "DateTime", v: "2026-11-24T22:56:02Z" }, "DateTime needs exactly three fractional digits"],
  [{ t: "DateTime", v: "2026-02-30T00:00:00.000Z" }, "not a real date"],
  [{ t: "Guid", v: "72962B91-FA75-4AE6-8D28-B404DC7DAF63" }, "GUIDs are lowercase"],
  [{ t: "Variant", v: 1 }, "unsupported DataType"],
  [{ t: "Boolean", v: true, extra: 1 }, "unknown keys are rejected"],
  [{ t: "Null" }, "Null carries v: null"],
  [{ t: "String", v: "a\ud800b" }, "a lone UTF-16 surrogate has no UTF-8 or RFC 8785 form"],
];

export function opcValueVectors() {
  for (const v of VALID) if (!OpcValueSchema.safeParse(v).success) throw new Error(`vector should be valid: ${JSON.stringify(v)}`);
  for (const [v] of INVALID) if (OpcValueSchema.safeParse(v).success) throw new Error(`vector should be invalid: ${JSON.stringify(v)}`);
  return {
    description: "OpcValue schema: valid values with their canonical text, and invalid values with the rule they break.",
    valid: VALID.map((value) => ({ value, canonical: canonicalString(value) })),
    invalid: INVALID.map(([value, reason]) => ({ value, reason })),
  };
}
