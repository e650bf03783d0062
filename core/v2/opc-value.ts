// OpcValue v2: v1's exact JSON forms (docs/PROTOCOL.md §4, built from v1's scalar schemas) with the one-spelling
// rules of PROTOCOL-v2 §4: NodeId grammar, LocalizedText locale null-not-"" and text never null, and every string
// well-formed.
import { z } from "zod";
import { OPC_SCALARS } from "../opc-value.ts";
import { NodeIdSchema } from "./nodeid.ts";
import { dispatched, optionalText, wellFormedString } from "./strings.ts";

export const MAX_OPC_ARRAY = 10_000;

export const OPC_SCALARS_V2 = {
  ...OPC_SCALARS,
  String: wellFormedString(0, 65_535),
  NodeId: NodeIdSchema,
  LocalizedText: z.strictObject({ locale: optionalText(256), text: wellFormedString(0, 65_535) }),
  QualifiedName: z.strictObject({ ns: OPC_SCALARS.UInt16, name: wellFormedString(0, 4096) }),
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
