// Conversions between native JS values (as node-opcua hands them out) and the exact JSON OpcValue form, in its
// one spelling (PROTOCOL §4.5): NodeId without `ns=0;`, LocalizedText locale null rather than "", text "" rather
// than null.
import { EncodingError } from "./errors.ts";
import { OPC_SCALARS_V2, OpcValueV2Schema, type OpcDataTypeV2 as OpcDataType, type OpcValueV2 as OpcValue } from "./opc-value.ts";
import { toTimestamp } from "./time.ts";

function fail(t: string, raw: unknown, why: string): never {
  throw new EncodingError("opc_value_invalid", `cannot encode ${t}: ${why}`, { computed: String(raw).slice(0, 80) });
}

function encodeFloat(x: unknown, t: string): number | string {
  if (typeof x !== "number") fail(t, x, "expected a number");
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (Object.is(x, -0)) return "-0";
  return t === "Float" ? Math.fround(x) : x;
}

function encodeInt64(x: unknown, t: string): string {
  // node-opcua carries 64-bit integers as [high, low] 32-bit words.
  if (Array.isArray(x) && x.length === 2) {
    const [hi, lo] = x as [number, number];
    let n = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    if (t === "Int64" && n >= 2n ** 63n) n -= 2n ** 64n;
    return n.toString();
  }
  if (typeof x === "bigint") return x.toString();
  if (typeof x === "number" && Number.isSafeInteger(x)) return BigInt(x).toString();
  if (typeof x === "string" && /^-?\d+$/.test(x)) return BigInt(x).toString();
  fail(t, x, "expected bigint, safe integer, decimal string or [high, low]");
}

function encodeScalar(t: OpcDataType, x: unknown): unknown {
  switch (t) {
    case "Int64": case "UInt64": return encodeInt64(x, t);
    case "Float": case "Double": return encodeFloat(x, t);
    case "DateTime":
      if (x instanceof Date || typeof x === "number") return toTimestamp(x);
      return x;
    case "Guid": return typeof x === "string" ? x.toLowerCase().replace(/^\{|\}$/g, "") : x;
    case "ByteString":
      if (x instanceof Uint8Array) return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString("base64");
      return x;
    case "StatusCode":
      if (x !== null && typeof x === "object" && "value" in x) return (x as { value: number }).value >>> 0;
      return x;
    case "NodeId": {
      const s = x !== null && typeof x === "object" ? String(x) : x;
      return typeof s === "string" ? s.replace(/^ns=0;/, "") : s;
    }
    case "LocalizedText": {
      const o = (x ?? {}) as { locale?: string | null; text?: string | null };
      return { locale: o.locale === "" ? null : o.locale ?? null, text: o.text ?? "" };
    }
    case "QualifiedName": {
      const o = (x ?? {}) as { ns?: number; namespaceIndex?: number; name?: string | null };
      return { ns: o.ns ?? o.namespaceIndex ?? 0, name: o.name ?? "" };
    }
    default: return x;
  }
}

/**
 * Encodes a native value (or an array / typed array of them) of OPC UA DataType `t`; throws EncodingError if it
 * does not fit. For Int64/UInt64 a two-number array is one value in node-opcua's [high, low] form; pass bigint[]
 * or an array of [high, low] pairs for arrays.
 */
export function encodeOpcValue(t: OpcDataType | "Null", raw: unknown): OpcValue {
  if (t === "Null") return { t: "Null", v: null };
  if (!Object.hasOwn(OPC_SCALARS_V2, t)) fail(t, raw, "unsupported DataType");
  const isList = Array.isArray(raw) && !((t === "Int64" || t === "UInt64") && raw.length === 2 && typeof raw[0] === "number")
    || (ArrayBuffer.isView(raw) && !(t === "ByteString" && raw instanceof Uint8Array));
  const v = isList ? Array.from(raw as ArrayLike<unknown>, (x) => encodeScalar(t, x)) : encodeScalar(t, raw);
  const parsed = OpcValueV2Schema.safeParse({ t, v });
  if (!parsed.success) fail(t, raw, parsed.error.issues[0]?.message ?? "invalid");
  return parsed.data;
}

function decodeScalar(t: OpcDataType, v: unknown): unknown {
  switch (t) {
    case "Int64": case "UInt64": return BigInt(v as string);
    case "Float": case "Double":
      if (typeof v === "number") return v;
      return v === "-0" ? -0 : Number(v);
    case "DateTime": return new Date(v as string);
    case "ByteString": return Buffer.from(v as string, "base64");
    default: return v;
  }
}

/** The native value of an OpcValue: bigint for 64-bit integers, number for floats (NaN, ±Infinity, -0 restored), Date, Buffer. */
export function decodeOpcValue(value: OpcValue): unknown {
  if (value.t === "Null") return null;
  const t = value.t;
  return Array.isArray(value.v) ? value.v.map((x: unknown) => decodeScalar(t, x)) : decodeScalar(t, value.v);
}
