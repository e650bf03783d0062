// Every free-text field of a record refuses ill-formed UTF-16 (a lone surrogate) with that field's path,
// so canonicalization (RFC 8785, which has no form for it) is never reached; well-formed text, astral
// characters included, is accepted. PROTOCOL §5.
import t from "tap";
import fc from "fast-check";
import { canonicalString, isWellFormedText, RecordSchema, type Record } from "../../core/index.ts";

const DEVICE = "0x" + "ab".repeat(20);
const TS = "2026-11-24T22:56:02.123Z";
const reading = (value: unknown, body: object = {}): unknown => ({
  v: 1, device: DEVICE, seq: 1, prev: null, ts: TS, kind: "reading",
  body: { tag: "TT-101.PV", nodeId: "ns=2;s=TT-101.PV", value, unit: "°C", status: 0, sourceTs: null, serverTs: null, ...body },
});
const event = (body: object = {}): unknown => ({
  v: 1, device: DEVICE, seq: 1, prev: null, ts: TS, kind: "event",
  body: { type: "maintenance", asset: "pump1", workOrder: "WO-1", actor: "tech", text: "seal", source: { system: "sap-pm", ref: "WO-1" }, ...body },
});

/** Each free-text field: a record with `s` in it, and the path where the schema must point. */
const FIELDS: { name: string; record: (s: string) => unknown; path: (string | number)[] }[] = [
  { name: "reading tag", record: (s) => reading({ t: "Double", v: 1 }, { tag: s }), path: ["body", "tag"] },
  { name: "reading nodeId", record: (s) => reading({ t: "Double", v: 1 }, { nodeId: s }), path: ["body", "nodeId"] },
  { name: "reading unit", record: (s) => reading({ t: "Double", v: 1 }, { unit: s }), path: ["body", "unit"] },
  { name: "String value", record: (s) => reading({ t: "String", v: s }), path: ["body", "value", "v"] },
  { name: "String array element", record: (s) => reading({ t: "String", v: ["ok", s] }), path: ["body", "value", "v", 1] },
  { name: "NodeId value", record: (s) => reading({ t: "NodeId", v: s }), path: ["body", "value", "v"] },
  { name: "LocalizedText text", record: (s) => reading({ t: "LocalizedText", v: { locale: "en", text: s } }), path: ["body", "value", "v", "text"] },
  { name: "LocalizedText locale", record: (s) => reading({ t: "LocalizedText", v: { locale: s, text: "x" } }), path: ["body", "value", "v", "locale"] },
  { name: "QualifiedName name", record: (s) => reading({ t: "QualifiedName", v: { ns: 1, name: s } }), path: ["body", "value", "v", "name"] },
  { name: "event asset", record: (s) => event({ asset: s }), path: ["body", "asset"] },
  { name: "event workOrder", record: (s) => event({ workOrder: s }), path: ["body", "workOrder"] },
  { name: "event actor", record: (s) => event({ actor: s }), path: ["body", "actor"] },
  { name: "event text", record: (s) => event({ text: s }), path: ["body", "text"] },
  { name: "event source.system", record: (s) => event({ source: { system: s, ref: "r" } }), path: ["body", "source", "system"] },
  { name: "event source.ref", record: (s) => event({ source: { system: "s", ref: s } }), path: ["body", "source", "ref"] },
];

/** String.prototype.isWellFormed (ES2024; the project's TypeScript lib is ES2023): the oracle. */
const nativeWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** A short well-formed string with one unpaired surrogate (high or low, anywhere, possibly next to a pair). */
const illFormed = fc.tuple(
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.integer({ min: 0xd800, max: 0xdfff }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
).map(([a, lone, b]) => a + String.fromCharCode(lone) + b)
  // a high surrogate followed by a generated low one would pair up: keep only the really ill-formed
  .filter((s) => !nativeWellFormed(s));
const wellFormed = fc.string({ unit: "grapheme", minLength: 1, maxLength: 16 });

t.test("isWellFormedText agrees with String.prototype.isWellFormed", async () => {
  fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 12 }), (s) => isWellFormedText(s) === nativeWellFormed(s)), { numRuns: 2000 });
});

for (const field of FIELDS) {
  t.test(`${field.name}: lone surrogate rejected with its path, well-formed text accepted`, async (t) => {
    t.ok(RecordSchema.safeParse(field.record("x😀")).success, "baseline: well-formed text with an astral character is valid");
    fc.assert(fc.property(illFormed, (s) => {
      const parsed = RecordSchema.safeParse(field.record(s));
      if (parsed.success) return false;
      return parsed.error.issues.some((i) => JSON.stringify(i.path) === JSON.stringify(field.path) && /lone UTF-16 surrogate/.test(i.message));
    }), { numRuns: 50 });
    fc.assert(fc.property(wellFormed, (s) => {
      const parsed = RecordSchema.safeParse(field.record(s));
      // what the schema accepts, canonicalization can always encode
      return !parsed.success || canonicalString(parsed.data as Record).length > 0;
    }), { numRuns: 50 });
  });
}
