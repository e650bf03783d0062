// Vector records: one device's chain covering every value encoding rule of docs/PROTOCOL.md.
import { computeAddress } from "ethers/transaction";
import { SigningKey } from "ethers/crypto";
import { canonicalString, encodeOpcValue, recordHash, RecordSchema, type OpcValue, type Record } from "../../../core/index.ts";

/** Hardhat/anvil dev account #0: a public, well-known key. Never use it for anything real. */
export const TEST_PRIVATE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const TEST_KEY = new SigningKey(TEST_PRIVATE_KEY);
export const TEST_DEVICE = computeAddress(TEST_KEY.publicKey).toLowerCase();

const T0 = Date.UTC(2026, 10, 24, 22, 56, 2, 123);
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

type Body = { kind: "reading"; tag: string; value: OpcValue; unit?: string | null; status?: number } | { kind: "event"; body: Extract<Record, { kind: "event" }>["body"] };

const BODIES: [name: string, body: Body][] = [
  ["Double reading", { kind: "reading", tag: "TT-101.PV", value: encodeOpcValue("Double", 21.5), unit: "°C" }],
  ["Int64 minimum as decimal string", { kind: "reading", tag: "FQ-7.Total", value: encodeOpcValue("Int64", -(2n ** 63n)) }],
  ["UInt64 maximum from node-opcua [high, low] words", { kind: "reading", tag: "FQ-8.Total", value: encodeOpcValue("UInt64", [0xffffffff, 0xffffffff]) }],
  ["Double NaN as string", { kind: "reading", tag: "PT-2.PV", value: encodeOpcValue("Double", NaN), status: 0x80000000 }],
  ["Float negative zero as string", { kind: "reading", tag: "PT-3.PV", value: encodeOpcValue("Float", -0) }],
  ["Double array with infinity, large and subnormal numbers", { kind: "reading", tag: "VIB-1.Spectrum", value: encodeOpcValue("Double", [1.5, Infinity, 1e21, 5e-324, 0.1]) }],
  ["Float rounded to single precision", { kind: "reading", tag: "LT-4.PV", value: encodeOpcValue("Float", 0.1) }],
  ["ByteString as base64", { kind: "reading", tag: "PLC-1.Blob", value: encodeOpcValue("ByteString", Uint8Array.from([0, 1, 2, 255])) }],
  ["DateTime value", { kind: "reading", tag: "PLC-1.LastStart", value: encodeOpcValue("DateTime", new Date(T0 - 86_400_000)) }],
  ["Guid value", { kind: "reading", tag: "PLC-1.BatchId", value: encodeOpcValue("Guid", "{72962B91-FA75-4AE6-8D28-B404DC7DAF63}") }],
  ["LocalizedText with non-ASCII", { kind: "reading", tag: "HMI.Message", value: encodeOpcValue("LocalizedText", { locale: "de-DE", text: "Pumpe prüfen 🔧" }), unit: null }],
  ["Null value with Bad status", { kind: "reading", tag: "TT-102.PV", value: encodeOpcValue("Null", null), status: 0x808a0000 }],
  ["Int32 array from a typed array", { kind: "reading", tag: "MOT-3.Currents", value: encodeOpcValue("Int32", Int32Array.from([-1, 0, 2147483647])) }],
  ["maintenance event with CMMS source", { kind: "event", body: { type: "maintenance", asset: "P-101", workOrder: "WO-4711", actor: "j.doe", text: "Replaced mechanical seal", source: { system: "sap-pm", ref: "000004711" } } }],
  ["note event with escapes", { kind: "event", body: { type: "note", asset: null, workOrder: null, actor: null, text: "Line 1\nTab\there \"quoted\" \\ \u000f end" } }],
];

/** The vector chain: seq 1..n, each prev the hash of the one before. */
export function vectorRecords(): { name: string; record: Record }[] {
  const out: { name: string; record: Record }[] = [];
  let prev: string | null = null;
  BODIES.forEach(([name, b], i) => {
    const base = { v: 1 as const, device: TEST_DEVICE, seq: i + 1, prev, ts: iso(i) };
    const record: Record = b.kind === "event"
      ? { ...base, kind: "event", body: b.body }
      : { ...base, kind: "reading", body: { tag: b.tag, nodeId: `ns=2;s=${b.tag}`, value: b.value, unit: b.unit === undefined ? null : b.unit, status: b.status ?? 0, sourceTs: iso(i - 0.5), serverTs: iso(i - 0.25) } };
    RecordSchema.parse(record);
    out.push({ name, record });
    prev = recordHash(record);
  });
  return out;
}

export function recordVectors() {
  return {
    description: "Records → RFC 8785 canonical text (UTF-8 bytes are hashed) → recordHash = SHA-256(0x00 ‖ bytes). One chain of one device (seq/prev).",
    vectors: vectorRecords().map(({ name, record }) => {
      const canonical = canonicalString(record);
      return { name, record, canonical, canonicalHex: "0x" + Buffer.from(canonical, "utf8").toString("hex"), recordHash: recordHash(record) };
    }),
  };
}
