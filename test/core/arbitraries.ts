// fast-check generators of valid v2 records of every kind (sealed by sealRecord from generated fields and salts).
import fc from "fast-check";
import { buildSeriesBody, sealRecord, type FullRecord, type Kind, type Sample, type SealInput } from "../../core/index.ts";

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => "0x" + Buffer.from(b).toString("hex"));
export const saltArb = hex(16), hashArb = hex(32), addressArb = hex(20);
/** Well-formed strings, including astral characters and control characters. */
const text = (min: number, max: number) => fc.string({ unit: "grapheme", minLength: min, maxLength: max }).filter((s) => s.length >= min && s.length <= max);
const optText = (max: number) => fc.option(text(1, max), { nil: null });
const T0 = Date.UTC(2026, 0, 1);
const timeArb = fc.integer({ min: T0, max: T0 + 1e10 });

const nodeIdArb = fc.oneof(
  fc.nat(4294967295).map((i) => `i=${i}`),
  fc.tuple(fc.integer({ min: 1, max: 65535 }), text(1, 40)).map(([ns, s]) => `ns=${ns};s=${s}`),
  fc.uuid().map((g) => `ns=3;g=${g}`),
  fc.uint8Array({ minLength: 1, maxLength: 24 }).map((b) => `b=${Buffer.from(b).toString("base64")}`),
);
const doubleArb = fc.double().map((x) => (Number.isNaN(x) ? "NaN" : x === Infinity ? "Infinity" : x === -Infinity ? "-Infinity" : Object.is(x, -0) ? "-0" : x));
const valueOf: { [t: string]: fc.Arbitrary<unknown> } = {
  Double: doubleArb,
  Int32: fc.integer({ min: -2147483648, max: 2147483647 }),
  Boolean: fc.boolean(),
  String: text(0, 30),
  Int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  NodeId: nodeIdArb,
  LocalizedText: fc.record({ locale: optText(10), text: text(0, 20) }),
  QualifiedName: fc.record({ ns: fc.nat(65535), name: text(0, 20) }),
};
const dataTypeArb = fc.constantFrom(...Object.keys(valueOf));
const vArb = (t: string) => fc.oneof({ weight: 4, arbitrary: valueOf[t]! }, { weight: 1, arbitrary: fc.array(valueOf[t]!, { maxLength: 4 }) });
const opcValueArb = fc.oneof(dataTypeArb.chain((t) => vArb(t).map((v) => ({ t, v }))), fc.constant({ t: "Null", v: null }));
const statusArb = fc.oneof(fc.constant(0), fc.nat(4294967295));

const seriesArb = fc.tuple(dataTypeArb, nodeIdArb, optText(8), timeArb).chain(([dataType, nodeId, unit, t0]) =>
  fc.array(fc.tuple(fc.nat(5000), fc.option(fc.integer({ min: -5000, max: 5000 }), { nil: null }), statusArb, fc.option(vArb(dataType), { nil: null })), { minLength: 1, maxLength: 12 })
    .map((raw) => {
      let t = t0;
      const samples = raw.map(([d, sd, status, v], i) => {
        t += i === 0 ? 0 : d;
        return { t, serverTs: sd === null ? null : t + sd, status, value: v === null ? { t: "Null", v: null } : { t: dataType, v } } as Sample;
      });
      return buildSeriesBody({ nodeId, unit, dataType: dataType as never }, samples);
    }));

type Part = { kind: Kind; stream: string; body: SealInput["body"]; personal?: SealInput["personal"]; from?: string; to?: string };
const partArb: fc.Arbitrary<Part> = fc.oneof(
  seriesArb.map((s) => ({ kind: "series" as const, stream: "TAG", body: s.body, from: s.from, to: s.to })),
  fc.record({ nodeId: nodeIdArb, unit: optText(8), value: opcValueArb, status: statusArb, serverDt: fc.option(fc.integer({ min: -1e6, max: 1e6 }).filter((d) => d !== 0), { nil: undefined }) })
    .map((b) => ({ kind: "reading" as const, stream: "TAG", body: (b.serverDt === undefined ? { ...b, serverDt: undefined } : b) as never })),
  fc.record({ type: fc.constantFrom("maintenance", "note", "alarm"), asset: optText(20), workOrder: optText(20), source: fc.option(fc.record({ system: text(1, 10), ref: text(1, 10) }), { nil: undefined }) },
    { requiredKeys: ["type", "asset", "workOrder"] }).chain((b) => fc.record({ actor: optText(20), text: text(0, 60) }).map((personal) => ({
    kind: "event" as const, stream: b.asset === null ? "@events" : `@events/${b.asset}`, body: b as never, personal,
  }))),
  fc.record({ target: hashArb, targetDevice: addressArb, targetSeq: fc.integer({ min: 1, max: 1e9 }), scope: fc.constantFrom("body", "personal"), reason: text(1, 40), requestedBy: text(1, 20) })
    .map((body) => ({ kind: "erasure" as const, stream: "@erasure", body: body as never })),
  fc.record({ principal: text(1, 20), route: text(1, 20), filter: fc.dictionary(text(1, 8), fc.oneof(text(0, 8), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 4 }), count: fc.nat() })
    .map((body) => ({ kind: "access" as const, stream: "@access", body: body as never })),
);

/** A sealed, valid full record of any kind, with a generated tag name, chain position and salts. */
export const recordArb: fc.Arbitrary<FullRecord> = fc.record({
  part: partArb, tag: text(1, 30).filter((s) => !s.startsWith("@")), device: addressArb, seq: fc.integer({ min: 1, max: 1e6 }), streamSeq: fc.integer({ min: 1, max: 1e6 }),
  prev: hashArb, streamPrev: hashArb, at: timeArb, salt: saltArb, streamSalt: saltArb, personalSalt: saltArb,
}).map((g) => {
  const at = new Date(g.at).toISOString();
  const body = g.part.body as { serverDt?: unknown };
  if ("serverDt" in body && body.serverDt === undefined) delete body.serverDt;
  return sealRecord({
    header: {
      device: g.device, seq: g.seq, prev: g.seq === 1 ? null : g.prev, streamSeq: g.streamSeq, streamPrev: g.streamSeq === 1 ? null : g.streamPrev,
      kind: g.part.kind, from: g.part.from ?? at, to: g.part.to ?? at, ts: at,
    },
    stream: { name: g.part.stream === "TAG" ? g.tag : g.part.stream, salt: g.streamSalt }, salt: g.salt, body: g.part.body,
    ...(g.part.personal === undefined ? {} : { personal: g.part.personal, personalSalt: g.personalSalt }),
  });
});
