// OpcValue: an OPC UA Variant as exact JSON. JSON numbers only where a double carries the value exactly;
// everything else is a string with one canonical spelling (docs/PROTOCOL.md §Value encoding).
import { z } from "zod";
import { textSchema } from "./text.ts";
import { TimestampSchema } from "./time.ts";

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const MAX_ARRAY = 10_000;

const DECIMAL = /^(0|-?[1-9][0-9]{0,19})$/;
function decimalIn(min: bigint, max: bigint) {
  // zod runs refinements even after a failed regex: BigInt() must only see well-formed input.
  return z.string().regex(DECIMAL, "expected a canonical decimal integer string")
    .refine((s) => { if (!DECIMAL.test(s)) return true; const n = BigInt(s); return n >= min && n <= max; }, "integer out of range");
}
const notNegativeZero = (v: number) => !Object.is(v, -0);
const SPECIAL_FLOATS = ["NaN", "Infinity", "-Infinity", "-0"] as const;
const DoubleValue = z.union([z.number().refine(notNegativeZero, 'negative zero is written "-0"'), z.enum(SPECIAL_FLOATS)]);
const FloatValue = z.union([
  z.number().refine(notNegativeZero, 'negative zero is written "-0"').refine((v) => Math.fround(v) === v, "not a single-precision value"),
  z.enum(SPECIAL_FLOATS),
]);
function isCanonicalBase64(s: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 && Buffer.from(s, "base64").toString("base64") === s;
}

/** The scalar JSON form of each supported OPC UA built-in DataType. */
export const OPC_SCALARS = {
  Boolean: z.boolean(),
  SByte: int(-128, 127),
  Byte: int(0, 255),
  Int16: int(-32768, 32767),
  UInt16: int(0, 65535),
  Int32: int(-2147483648, 2147483647),
  UInt32: int(0, 4294967295),
  Int64: decimalIn(-(2n ** 63n), 2n ** 63n - 1n),
  UInt64: decimalIn(0n, 2n ** 64n - 1n),
  Float: FloatValue,
  Double: DoubleValue,
  String: textSchema(0, 65_535),
  DateTime: TimestampSchema,
  Guid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "expected a lowercase GUID"),
  ByteString: z.string().max(1_048_576).refine(isCanonicalBase64, "expected canonical padded base64 (RFC 4648 §4)"),
  StatusCode: int(0, 4294967295),
  NodeId: textSchema(1, 4096),
  LocalizedText: z.strictObject({ locale: textSchema(0, 256).nullable(), text: textSchema(0, 65_535).nullable() }),
  QualifiedName: z.strictObject({ ns: int(0, 65535), name: textSchema(0, 4096) }),
} as const;

export type OpcDataType = keyof typeof OPC_SCALARS;
export const OPC_DATA_TYPES = Object.keys(OPC_SCALARS) as OpcDataType[];

function variantOf<T extends OpcDataType>(t: T) {
  const scalar = OPC_SCALARS[t];
  return z.strictObject({ t: z.literal(t), v: z.union([scalar, z.array(scalar).max(MAX_ARRAY)]) });
}

/** `{ t, v }`: t names the DataType, v is a scalar or a one-dimensional array of scalars; `{ t: "Null", v: null }` is the empty Variant. */
export const OpcValueSchema = z.discriminatedUnion("t", [
  z.strictObject({ t: z.literal("Null"), v: z.null() }),
  variantOf("Boolean"), variantOf("SByte"), variantOf("Byte"), variantOf("Int16"), variantOf("UInt16"),
  variantOf("Int32"), variantOf("UInt32"), variantOf("Int64"), variantOf("UInt64"), variantOf("Float"),
  variantOf("Double"), variantOf("String"), variantOf("DateTime"), variantOf("Guid"), variantOf("ByteString"),
  variantOf("StatusCode"), variantOf("NodeId"), variantOf("LocalizedText"), variantOf("QualifiedName"),
]);
export type OpcValue = z.infer<typeof OpcValueSchema>;
