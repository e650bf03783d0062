// OpcValue: an OPC UA Variant as exact JSON (PROTOCOL §4.5). JSON numbers only where a double carries the value
// exactly; everything else is a string with one canonical spelling: NodeId grammar, LocalizedText locale
// null-not-"" and text never null, and every string well-formed.
import { z } from "zod";
import { TimestampSchema } from "./time.ts";
import { NodeIdSchema } from "./nodeid.ts";
import { ByteStringSchema, dispatched, GuidSchema, optionalText, wellFormedString } from "./strings.ts";

export const MAX_OPC_ARRAY = 10_000;

const int = (min: number, max: number) => z.number().int().min(min).max(max);
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

/** The scalar JSON form of each supported OPC UA built-in DataType. */
export const OPC_SCALARS_V2 = {
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
  String: wellFormedString(0, 65_535),
  DateTime: TimestampSchema,
  Guid: GuidSchema,
  ByteString: ByteStringSchema,
  StatusCode: int(0, 4294967295),
  NodeId: NodeIdSchema,
  LocalizedText: z.strictObject({ locale: optionalText(256), text: wellFormedString(0, 65_535) }),
  QualifiedName: z.strictObject({ ns: int(0, 65535), name: wellFormedString(0, 4096) }),
} as const;

export type OpcDataTypeV2 = keyof typeof OPC_SCALARS_V2;
export const OPC_DATA_TYPES_V2 = Object.keys(OPC_SCALARS_V2) as OpcDataTypeV2[];
export const OpcDataTypeSchema = z.enum(OPC_DATA_TYPES_V2 as [OpcDataTypeV2, ...OpcDataTypeV2[]]);

type Scalar<T extends OpcDataTypeV2> = z.infer<(typeof OPC_SCALARS_V2)[T]>;
/** The `v` of a Variant of type T: one scalar or a one-dimensional array of up to 10,000 scalars. */
export type OpcV<T extends OpcDataTypeV2 = OpcDataTypeV2> = Scalar<T> | Scalar<T>[];

const arrays = new Map<OpcDataTypeV2, z.ZodType>();
/** Schema of the `v` of DataType `t` (scalar or array, picked by shape so issues keep their element paths). */
export function valueSchemaOf(t: OpcDataTypeV2): z.ZodType<OpcV> {
  let array = arrays.get(t);
  if (array === undefined) arrays.set(t, (array = z.array(OPC_SCALARS_V2[t]).max(MAX_OPC_ARRAY)));
  const list = array;
  return dispatched((x) => (Array.isArray(x) ? list : OPC_SCALARS_V2[t]) as z.ZodType<OpcV>);
}

export type OpcValueV2 = { t: "Null"; v: null } | { [T in OpcDataTypeV2]: { t: T; v: OpcV<T> } }[OpcDataTypeV2];

const NULL_VARIANT = z.strictObject({ t: z.literal("Null"), v: z.null() });
const variants = new Map<OpcDataTypeV2, z.ZodType>();
function variantOf(t: OpcDataTypeV2): z.ZodType {
  let s = variants.get(t);
  if (s === undefined) variants.set(t, (s = z.strictObject({ t: z.literal(t), v: valueSchemaOf(t) })));
  return s;
}

/** `{ t, v }`, the sub-schema chosen by `t`; `{ t: "Null", v: null }` is the empty Variant. */
export const OpcValueV2Schema: z.ZodType<OpcValueV2> = dispatched((x) => {
  const t = (x as { t?: unknown } | null)?.t;
  if (t === "Null") return NULL_VARIANT as z.ZodType<OpcValueV2>;
  if (typeof t === "string" && Object.hasOwn(OPC_SCALARS_V2, t)) return variantOf(t as OpcDataTypeV2) as z.ZodType<OpcValueV2>;
  return z.object({ t: z.enum(["Null", ...OPC_DATA_TYPES_V2]) }) as unknown as z.ZodType<OpcValueV2>; // fails at path t
});
