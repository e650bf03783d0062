// Fixed inputs of the v2 vectors: two keys (Hardhat dev accounts #0 as the device, #1 as the service key, both
// public knowledge), fixed salts, and one chain per key covering every record kind.
import { createHash } from "node:crypto";
import { computeAddress } from "ethers/transaction";
import { SigningKey } from "ethers/crypto";
import {
  buildSeriesBody, encodeOpcValue, recordHash, sealRecord, type FullRecord, type Kind, type Sample, type SealInput,
} from "../../../core/index.ts";

export const TEST_PRIVATE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const SERVICE_PRIVATE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
export const TEST_KEY = new SigningKey(TEST_PRIVATE_KEY), SERVICE_KEY = new SigningKey(SERVICE_PRIVATE_KEY);
export const TEST_DEVICE = computeAddress(TEST_KEY.publicKey).toLowerCase();
export const SERVICE_DEVICE = computeAddress(SERVICE_KEY.publicKey).toLowerCase();
export const TEST_CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
export const TEST_CHAIN_ID = 31337;

/** A fixed salt: the first 16 bytes of SHA-256 of a label (vectors only; real salts come from a CSPRNG). */
export const salt = (label: string) => "0x" + createHash("sha256").update(`otledger v2 vector salt: ${label}`).digest("hex").slice(0, 32);

const T0 = Date.UTC(2026, 10, 24, 22, 56, 2, 123);
const iso = (ms: number) => new Date(ms).toISOString();
const samples: Sample[] = [0, 250, 500, 500, 1000].map((d, i) => ({
  t: T0 + d, serverTs: i === 3 ? null : T0 + d + (i === 1 ? 40 : 0), status: i === 2 ? 0x80000000 : 0,
  value: i === 2 ? { t: "Null", v: null } : encodeOpcValue("Double", [21.5, 21.75, 0, -0, 0.1][i]!) as Sample["value"],
}));
const tt101 = buildSeriesBody({ nodeId: "ns=2;s=TT-101.PV", unit: "°C", dataType: "Double" }, samples);
const tt101b = buildSeriesBody({ nodeId: "ns=2;s=TT-101.PV", unit: "°C", dataType: "Double" }, [
  { t: T0 + 1000, serverTs: T0 + 1000, status: 0, value: { t: "Double", v: [1.5, "Infinity"] } },
  { t: T0 + 2000, serverTs: T0 + 2000, status: 0, value: { t: "Double", v: 22 } },
]);

type Spec = { name: string; kind: Kind; stream: string; from?: string; to?: string; body: SealInput["body"]; personal?: SealInput["personal"] };
const DEVICE_RECORDS: Spec[] = [
  { name: "series of 5 Double samples (a null value, a missing and a late server timestamp)", kind: "series", stream: "TT-101.PV", from: tt101.from, to: tt101.to, body: tt101.body },
  { name: "reading: empty Variant with Bad status", kind: "reading", stream: "TT-102.PV", body: { nodeId: "ns=2;s=TT-102.PV", unit: null, value: { t: "Null", v: null }, status: 0x808a0000 } },
  { name: "series continuing its stream (an array sample, equal server timestamps omitted)", kind: "series", stream: "TT-101.PV", from: tt101b.from, to: tt101b.to, body: tt101b.body },
  { name: "maintenance event of asset P-101 with CMMS source", kind: "event", stream: "@events/P-101", body: { type: "maintenance", asset: "P-101", workOrder: "WO-4711", source: { system: "sap-pm", ref: "000004711" } }, personal: { actor: "j.doe", text: "Replaced mechanical seal" } },
  { name: "note event without asset, escapes in text", kind: "event", stream: "@events", body: { type: "note", asset: null, workOrder: null }, personal: { actor: null, text: "Line 1\nTab\there \"quoted\" \\ \u000f end" } },
  { name: "reading of a namespace-0 node with LocalizedText (no locale) and server delay", kind: "reading", stream: "HMI.Message", body: { nodeId: "i=2258", unit: null, value: { t: "LocalizedText", v: { locale: null, text: "Pumpe prüfen 🔧" } }, status: 0, serverDt: 12 } },
];

/** Seals a chain of specs for one device: seq 1..n, per-stream seq/prev, from = to = T0 + i s unless given. */
function chain(device: string, specs: Spec[]): { name: string; record: FullRecord }[] {
  const out: { name: string; record: FullRecord }[] = [];
  const heads = new Map<string, { seq: number; hash: string }>();
  specs.forEach((spec, i) => {
    const head = heads.get(spec.stream), at = iso(T0 + 1000 * i);
    const prev = out.at(-1)?.record;
    const record = sealRecord({
      header: {
        device, seq: i + 1, prev: prev === undefined ? null : recordHash(prev.header), streamSeq: (head?.seq ?? 0) + 1, streamPrev: head?.hash ?? null,
        kind: spec.kind, from: spec.from ?? at, to: spec.to ?? at, ts: iso(T0 + 1000 * i + 2500),
      },
      stream: { name: spec.stream, salt: salt(`${device} stream ${spec.stream}`) }, salt: salt(`${device} record ${i + 1}`), body: spec.body,
      ...(spec.personal === undefined ? {} : { personal: spec.personal, personalSalt: salt(`${device} personal ${i + 1}`) }),
    });
    heads.set(spec.stream, { seq: record.header.streamSeq, hash: recordHash(record.header) });
    out.push({ name: spec.name, record });
  });
  return out;
}

export function deviceRecords() {
  return chain(TEST_DEVICE, DEVICE_RECORDS);
}

/** The service key's chain: an access record, then erasures of device record 2 (body) and 4 (personal). */
export function serviceRecords() {
  const dev = deviceRecords().map((r) => r.record);
  const erasure = (target: FullRecord, scope: "body" | "personal", reason: string) =>
    ({ target: recordHash(target.header), targetDevice: target.header.device, targetSeq: target.header.seq, scope, reason, requestedBy: "admin:alice" });
  return chain(SERVICE_DEVICE, [
    { name: "access record", kind: "access", stream: "@access", body: { principal: "partner:acme", route: "/v2/streams/:id/records", filter: { from: "2026-11-24T00:00:00.000Z", limit: 100, asc: true, cursor: null }, count: 6 } },
    { name: "erasure of device record 2 (scope body)", kind: "erasure", stream: "@erasure", body: erasure(dev[1]!, "body", "data subject request DSR-17") },
    { name: "erasure of the personal fields of device record 4", kind: "erasure", stream: "@erasure", body: erasure(dev[3]!, "personal", "art. 17 request of the named technician") },
  ]);
}
