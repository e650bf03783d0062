// Record vectors v2: every kind, their canonical headers, hashes, stream ids and commitments; stubs, erased and
// personal-erased forms with the openings each reports; single-field mutations with the code each MUST produce.
import {
  bodyCommitment, checkRecord, eraseBody, erasePersonal, headerCanonical, personalCommitment, RecordError, recordHash, streamId, stubOf,
  type FullRecord,
} from "../../../core/index.ts";
import { setPath, type Path } from "./paths.ts";
import { deviceRecords, serviceRecords } from "./inputs.ts";

export type RecordMutation = { record: number; path: Path; value: unknown; code: string; why: string };

export function allRecords(): { name: string; record: FullRecord }[] {
  return [...deviceRecords(), ...serviceRecords()];
}

const LONE = "\ud800";
/** Indexes into allRecords(): 0 series, 1 reading, 3 maintenance event, 5 LocalizedText reading, 6 access, 7 erasure. */
export const RECORD_MUTATIONS: RecordMutation[] = [
  { record: 0, path: ["salt"], value: "0x" + "00".repeat(16), code: "body_commitment_mismatch", why: "another salt" },
  { record: 0, path: ["body", "values", 0], value: 21.6, code: "body_commitment_mismatch", why: "another value" },
  { record: 0, path: ["body", "dt", 4], value: 501, code: "body_commitment_mismatch", why: "another delta" },
  { record: 0, path: ["header", "body"], value: "0x" + "11".repeat(32), code: "body_commitment_mismatch", why: "another commitment" },
  { record: 0, path: ["header", "to"], value: "2026-11-24T22:56:03.124Z", code: "series_time_mismatch", why: "to is not from + Σdt" },
  { record: 0, path: ["header", "device"], value: "0x70997970c51812dc3a010c7d01b50e0d17dc79c9", code: "stream_id_mismatch", why: "the stream id binds the device" },
  { record: 0, path: ["stream", "salt"], value: "0x" + "00".repeat(16), code: "stream_id_mismatch", why: "another stream salt" },
  { record: 0, path: ["stream", "name"], value: "TT-101.SP", code: "stream_id_mismatch", why: "another tag name" },
  { record: 0, path: ["stream", "name"], value: "@events", code: "stream_kind_mismatch", why: "a series is not in an event stream" },
  { record: 3, path: ["personal", "text"], value: "Replaced seal", code: "personal_commitment_mismatch", why: "another personal text" },
  { record: 3, path: ["personalSalt"], value: "0x" + "00".repeat(16), code: "personal_commitment_mismatch", why: "another personal salt" },
  { record: 3, path: ["personalSalt"], value: undefined, code: "schema_invalid", why: "personal without personalSalt" },
  { record: 1, path: ["personal"], value: { actor: null, text: "" }, code: "schema_invalid", why: "only events carry personal openings" },
  { record: 1, path: ["body", "nodeId"], value: "ns=0;s=TT-102.PV", code: "schema_invalid", why: "namespace 0 is written without ns=0;" },
  { record: 1, path: ["body", "nodeId"], value: "ns=2;i=085", code: "schema_invalid", why: "no leading zeros" },
  { record: 5, path: ["body", "value", "v", "locale"], value: "", code: "schema_invalid", why: "an absent locale is null, never \"\"" },
  { record: 5, path: ["body", "value", "v", "text"], value: null, code: "schema_invalid", why: "an absent text is \"\", never null" },
  { record: 5, path: ["body", "value", "v", "text"], value: `a${LONE}b`, code: "schema_invalid", why: "a lone surrogate" },
  { record: 5, path: ["body", "serverDt"], value: 0, code: "schema_invalid", why: "a zero serverDt is omitted" },
  { record: 0, path: ["body", "serverDt"], value: [0, 0, 0, 0, 0], code: "schema_invalid", why: "an all-zero serverDt is omitted" },
  { record: 0, path: ["body", "dt", 0], value: 1, code: "schema_invalid", why: "dt[0] is 0" },
  { record: 0, path: ["body", "status"], value: [0], code: "schema_invalid", why: "arrays of equal length" },
  { record: 0, path: ["body", "values", 0], value: "21.5", code: "schema_invalid", why: "values have the series' dataType" },
  { record: 6, path: ["body", "principal"], value: LONE, code: "schema_invalid", why: "a lone surrogate in an access record" },
  { record: 7, path: ["body", "scope"], value: "all", code: "schema_invalid", why: "scope is body or personal" },
  { record: 1, path: ["header", "streamPrev"], value: "0x" + "22".repeat(32), code: "schema_invalid", why: "streamPrev is null iff streamSeq = 1" },
  { record: 1, path: ["header", "to"], value: "2026-11-24T22:56:04.124Z", code: "schema_invalid", why: "a reading covers one instant" },
  { record: 1, path: ["header", "extra"], value: 1, code: "schema_invalid", why: "closed objects" },
];

const codeOf = (x: unknown) => { try { checkRecord(x); return "ok"; } catch (e) { return (e as RecordError).code; } };

export function recordVectors() {
  const all = allRecords();
  const forms = (name: string, form: unknown) => ({ name, form, openings: checkRecord(form).openings, recordHash: checkRecord(form).hash });
  for (const m of RECORD_MUTATIONS) {
    const got = codeOf(setPath(all[m.record]!.record, m.path, m.value));
    if (got !== m.code) throw new Error(`record mutation ${m.path.join(".")} yields ${got}, not ${m.code}`);
  }
  return {
    description: "v2 records (PROTOCOL §3–§6): recordHash = SHA-256(0x00 ‖ JCS(header)); the stream id and the commitments are recomputed from the openings. Two chains: the device (Hardhat #0) and the service key (Hardhat #1).",
    records: all.map(({ name, record: r }) => ({
      name, record: r, canonicalHeader: headerCanonical(r.header), recordHash: recordHash(r.header),
      streamId: streamId(r.header.device, r.stream.salt, r.stream.name), bodyCommitment: bodyCommitment(r.salt, r.body),
      ...(r.personal === undefined ? {} : { personalCommitment: personalCommitment(r.personalSalt!, r.personal) }),
      openings: checkRecord(r).openings,
    })),
    forms: [
      forms("stub of the series record (header only)", stubOf(all[0]!.record)),
      forms("stub of the series record with its stream descriptor", stubOf(all[0]!.record, { withStream: true })),
      forms("reading after an erasure of scope body (stored form)", eraseBody(all[1]!.record)),
      forms("maintenance event after an erasure of scope personal (stored form)", erasePersonal(all[3]!.record)),
    ],
    mutations: RECORD_MUTATIONS,
  };
}
