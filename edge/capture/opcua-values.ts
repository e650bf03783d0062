/**
 * node-opcua DataValues → v2 samples (PROTOCOL-v2 §4.1, §4.5), never dropping the StatusCode. Values go through
 * core's OpcValue encoding, then v2's one-spelling rules (NodeId without `ns=0;`, LocalizedText locale null
 * rather than "", text "" rather than null) and the v2 schema.
 */
import { DataType, type DataValue } from "node-opcua";
import { encodeOpcValue, type OpcDataType } from "../../core/index.ts";
import { OpcValueV2Schema, type OpcValueV2 } from "../../core/v2/index.ts";
import type { CapturedSample } from "../spool/types.ts";

const NULL: OpcValueV2 = { t: "Null", v: null };

/** v2's single spelling of values that v1 let have two. */
function oneSpelling(t: string, v: unknown): unknown {
  const each = (x: unknown): unknown => {
    if (t === "NodeId" && typeof x === "string") return x.replace(/^ns=0;/, "");
    if (t === "LocalizedText" && x !== null && typeof x === "object") {
      const o = x as { locale: string | null; text: string | null };
      return { locale: o.locale === "" ? null : o.locale, text: o.text ?? "" };
    }
    return x;
  };
  return Array.isArray(v) ? v.map(each) : each(v);
}

/** Canonical v2 NodeId of a configured node id (the `ns=0;` prefix dropped). */
export const canonicalNodeId = (nodeId: string): string => nodeId.replace(/^ns=0;/, "");

export function encodeVariantValue(dataValue: DataValue): { value: OpcValueV2; error?: string } {
  const variant = dataValue.value;
  if (!variant || variant.dataType === DataType.Null) return { value: NULL };
  const typeName = DataType[variant.dataType] as OpcDataType;
  try {
    const v1 = encodeOpcValue(typeName, variant.value);
    const parsed = OpcValueV2Schema.safeParse({ t: v1.t, v: oneSpelling(v1.t, v1.v) });
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "not a v2 value");
    return { value: parsed.data };
  } catch (err) {
    // A value core cannot represent (e.g. an ExtensionObject) is recorded as Null with its status kept; the
    // caller logs why, so the sample is not silently lost.
    return { value: NULL, error: `${typeName}: ${(err as Error).message}` };
  }
}

function ms(date: Date | null | undefined): number | null {
  if (!date) return null;
  const t = date.getTime();
  // OPC UA "no timestamp" is the 1601 epoch (MinDateTime); record it as null
  return Number.isFinite(t) && t > 0 ? t : null;
}

/** A sample's time is its source timestamp, else its server timestamp, else the agent's receive time. */
export function sampleOf(stream: string, nodeId: string, unit: string | null, dataValue: DataValue, receivedMs: number): { sample: CapturedSample; error?: string } {
  const { value, error } = encodeVariantValue(dataValue);
  const serverTs = ms(dataValue.serverTimestamp);
  const sample: CapturedSample = {
    stream, nodeId: canonicalNodeId(nodeId), unit, value,
    t: ms(dataValue.sourceTimestamp) ?? serverTs ?? receivedMs,
    serverTs,
    status: dataValue.statusCode.value >>> 0,
  };
  return error ? { sample, error } : { sample };
}
