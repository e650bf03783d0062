/**
 * node-opcua DataValues → samples (PROTOCOL §4.1, §4.5), never dropping the StatusCode. Values go through core's
 * OpcValue encoding, which writes their one spelling (NodeId without `ns=0;`, LocalizedText locale null rather
 * than "", text "" rather than null) and checks them against the schema.
 */
import { DataType, type DataValue } from "node-opcua";
import { encodeOpcValue, type OpcDataTypeV2, type OpcValueV2 } from "../../core/index.ts";
import type { CapturedSample } from "../spool/types.ts";

const NULL: OpcValueV2 = { t: "Null", v: null };

/** Canonical v2 NodeId of a configured node id (the `ns=0;` prefix dropped). */
export const canonicalNodeId = (nodeId: string): string => nodeId.replace(/^ns=0;/, "");

export function encodeVariantValue(dataValue: DataValue): { value: OpcValueV2; error?: string } {
  const variant = dataValue.value;
  if (!variant || variant.dataType === DataType.Null) return { value: NULL };
  const typeName = DataType[variant.dataType] as OpcDataTypeV2;
  try {
    return { value: encodeOpcValue(typeName, variant.value) };
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
