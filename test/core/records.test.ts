// Records v2 against docs/vectors/records.json: hashes, stream ids, commitments, openings of every stored form,
// each mutation's code; commitments change with their salts; the event asset/stream rule.
import t from "tap";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import {
  bodyCommitment, checkRecord, eraseBody, erasePersonal, headerCanonical, personalCommitment, RecordError, recordHash, sealRecord, streamId,
  type FullRecord,
} from "../../core/index.ts";
import { recordArb, saltArb } from "./arbitraries.ts";
import { setPath, type Path } from "./vectors/paths.ts";

const vectors = JSON.parse(readFileSync(new URL("../../docs/vectors/records.json", import.meta.url), "utf8")) as {
  records: { name: string; record: FullRecord; canonicalHeader: string; recordHash: string; streamId: string; bodyCommitment: string; personalCommitment?: string; openings: string }[];
  forms: { name: string; form: unknown; openings: string; recordHash: string }[];
  mutations: { record: number; path: Path; value: unknown; code: string; why: string }[];
};
const codeOf = (x: unknown) => { try { checkRecord(x); return "ok"; } catch (e) { return (e as RecordError).code; } };

t.test("record vectors: canonical header, hash, stream id, commitments; both chains link", async (t) => {
  const kinds = new Set(vectors.records.map((v) => v.record.header.kind));
  t.same([...kinds].sort(), ["access", "erasure", "event", "reading", "series"]);
  const last = new Map<string, string>();
  for (const v of vectors.records) {
    const r = v.record, h = r.header;
    t.equal(headerCanonical(h), v.canonicalHeader, `${v.name}: header JCS`);
    t.equal(recordHash(h), v.recordHash, `${v.name}: hash`);
    t.equal(streamId(h.device, r.stream.salt, r.stream.name), v.streamId);
    t.equal(h.stream, v.streamId, `${v.name}: header.stream is the stream id`);
    t.equal(bodyCommitment(r.salt, r.body), h.body, `${v.name}: header.body`);
    if (r.personal !== undefined) t.equal(personalCommitment(r.personalSalt!, r.personal), v.personalCommitment);
    t.equal(checkRecord(r).openings, "full");
    t.equal(h.prev, last.get(h.device) ?? null, `${v.name}: device chain`);
    last.set(h.device, v.recordHash);
  }
});

t.test("stubs and erased forms keep the hash and report their openings", async (t) => {
  t.same(vectors.forms.map((f) => f.openings), ["stub", "stub", "stub", "personal_erased"]);
  for (const f of vectors.forms) {
    const c = checkRecord(f.form);
    t.equal(c.openings, f.openings, f.name);
    t.ok(vectors.records.some((v) => v.recordHash === c.hash), `${f.name}: same hash as a full record`);
  }
  const event = vectors.records[3]!.record;
  t.equal(checkRecord(eraseBody(event)).hash, recordHash(event.header), "erasing the body keeps the hash");
  t.notOk("personal" in erasePersonal(event) || "personalSalt" in erasePersonal(event));
  t.equal(codeOf(erasePersonal(event)), "ok");
  t.equal((t.throws(() => erasePersonal(vectors.records[0]!.record)) as RecordError).code, "schema_invalid", "only events have personal openings");
});

t.test("each vector mutation fails with its code", async (t) => {
  t.ok(vectors.mutations.length >= 25);
  for (const m of vectors.mutations) t.equal(codeOf(setPath(vectors.records[m.record]!.record, m.path, m.value)), m.code, `${m.path.join(".")}: ${m.why}`);
});

t.test("an event's stream is its asset's: a self-consistent record in another asset's stream fails", async (t) => {
  const event = vectors.records[3]!.record;
  const name = "@events/P-102";
  const header = { ...event.header, stream: streamId(event.header.device, event.stream.salt, name) };
  const err = t.throws(() => checkRecord({ ...event, header, stream: { ...event.stream, name } })) as RecordError;
  t.equal(err.code, "stream_kind_mismatch");
  t.same(err.path, ["stream", "name"]);
  t.equal(err.expected, "@events/P-101");
  const input = { header: { ...event.header }, stream: { ...event.stream, name }, salt: event.salt, body: event.body, personal: event.personal, personalSalt: event.personalSalt };
  t.equal((t.throws(() => sealRecord(input)) as RecordError).code, "stream_kind_mismatch", "sealRecord refuses it too");
});

t.test("property: commitments and stream ids change with the salt, and with the content", async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(recordArb, saltArb, (r, other) => {
    fc.pre(other !== r.salt && other !== r.stream.salt);
    return bodyCommitment(other, r.body) !== r.header.body
      && streamId(r.header.device, other, r.stream.name) !== r.header.stream
      && codeOf({ ...r, salt: other }) === "body_commitment_mismatch"
      && codeOf({ ...r, stream: { ...r.stream, salt: other } }) === "stream_id_mismatch"
      && (r.personal === undefined || codeOf({ ...r, personalSalt: other }) === "personal_commitment_mismatch");
  }), { numRuns: 200 }));
  const r = vectors.records[1]!.record;
  t.not(bodyCommitment(r.salt, { ...r.body, status: 0 }), r.header.body, "content changes it too");
  t.not(bodyCommitment(r.salt, r.body), personalCommitment(r.salt, r.body), "body and personal domains differ");
});

t.test("property: a single-field change of a record fails with the field's code, or changes the hash", async (t) => {
  const leaves = (v: unknown, p: Path = []): Path[] => (v !== null && typeof v === "object" ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...p, Array.isArray(v) ? Number(k) : k])) : [p]);
  const alter = (v: unknown): unknown => typeof v === "number" ? (v + 1 === v ? v / 2 : v + 1) : typeof v === "boolean" ? !v : v === null ? "x"
    : /^0x[0-9a-f]+$/.test(v as string) ? (v as string).slice(0, -1) + ((v as string).endsWith("0") ? "1" : "0") : (v as string) + "a";
  const expected = (p: Path, kind: string): string[] => {
    const s = p.join(".");
    if (s.startsWith("stream.") || s === "header.stream" || s === "header.device") return ["stream_id_mismatch", "stream_kind_mismatch", "schema_invalid"];
    if (s.startsWith("personal")) return ["personal_commitment_mismatch", "schema_invalid"];
    if (s === "salt" || s === "header.body" || s.startsWith("body.")) return ["body_commitment_mismatch", "schema_invalid"];
    if (s === "header.to" || (s === "header.from" && kind === "series")) return kind === "series" ? ["series_time_mismatch", "schema_invalid"] : ["schema_invalid"];
    return ["schema_invalid", "hash"];
  };
  t.doesNotThrow(() => fc.assert(fc.property(recordArb, fc.nat(), (r, which) => {
    const paths = leaves(r), path = paths[which % paths.length]!;
    const changed = setPath(r, path, alter(path.reduce<unknown>((o, k) => (o as never)[k], r)));
    const code = codeOf(changed);
    const got = code === "ok" ? (checkRecord(changed).hash !== recordHash(r.header) ? "hash" : "unchanged") : code;
    return expected(path, r.header.kind).includes(got);
  }), { numRuns: 400 }));
});
