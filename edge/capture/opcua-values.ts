/** Turns node-opcua DataValues into reading bodies (core's OpcValue encoding), never dropping the StatusCode. */
import { DataType, type DataValue } from "node-opcua";
import { encodeOpcValue, toTimestamp, type OpcDataType, type OpcValue, type ReadingBody } from "../../core/index.ts";

export function encodeVariantValue(dataValue: DataValue): { value: OpcValue; error?: string } {
  const variant = dataValue.value;
  if (!variant || variant.dataType === DataType.Null) return { value: { t: "Null", v: null } };
  const typeName = DataType[variant.dataType] as OpcDataType;
  try {
    return { value: encodeOpcValue(typeName, variant.value) };
  } catch (err) {
    // A value core cannot represent (e.g. an ExtensionObject) is recorded as Null with its status kept; the
    // caller logs why, so the reading is not silently lost.
    return { value: { t: "Null", v: null }, error: `${typeName}: ${(err as Error).message}` };
  }
}

function ts(date: Date | null | undefined): string | null {
  if (!date) return null;
  const ms = date.getTime();
  // OPC UA "no timestamp" is the 1601 epoch (MinDateTime); record it as null
  return Number.isFinite(ms) && ms > 0 ? toTimestamp(ms) : null;
}

export function readingBody(tag: string, nodeId: string, unit: string | null, dataValue: DataValue): { body: ReadingBody; error?: string } {
  const { value, error } = encodeVariantValue(dataValue);
  const body: ReadingBody = {
    tag, nodeId, value, unit,
    status: dataValue.statusCode.value >>> 0,
    sourceTs: ts(dataValue.sourceTimestamp),
    serverTs: ts(dataValue.serverTimestamp),
  };
  return error ? { body, error } : { body };
}

/** Identity of a notification: a repeat with identical timestamps, status and value is a redelivery, not a new reading. */
export function notificationKey(body: ReadingBody): string {
  return `${body.sourceTs}|${body.serverTs}|${body.status}|${JSON.stringify(body.value)}`;
}
