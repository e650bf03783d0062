// A record row in its stored v2 form (PROTOCOL §3): the full record, a personal-erased event, or a stub —
// whatever openings the row still holds (erasure, issue 12, clears body/salt and personal/personalSalt). The
// header is its JCS text rebuilt from the row's columns by otledger_header_jcs (migration 0110): the exact bytes
// that were hashed (the records_header_rebuilds constraint holds every row to it), so answers splice it as is.
import type { RecordOrStub } from "../../core/index.ts";
import { bytesToHex } from "../db/bytes.ts";

/** The header's JCS text of `records r`, rebuilt from its columns. */
export const HEADER_JCS = "otledger_header_jcs(r.device, r.seq, r.prev, r.stream, r.stream_seq, r.stream_prev, r.kind, r.from_ts, r.to_ts, r.ts, r.body_commitment)";

/** The columns every stored-form answer selects from `records r`. */
export const STORED_COLUMNS = `${HEADER_JCS} AS header, r.stream_name, r.stream_salt, r.salt, r.body, r.personal, r.personal_salt`;

export type StoredColumns = {
  header: string; stream_name: string; stream_salt: Buffer;
  salt: Buffer | null; body: unknown; personal: unknown; personal_salt: Buffer | null;
};

/** The stored form as JSON text: the header's JCS text spliced in as is, the openings serialised. */
export function storedRecordJson(r: StoredColumns): string {
  let out = `{"header":${r.header},"stream":${JSON.stringify({ name: r.stream_name, salt: bytesToHex(r.stream_salt) })}`;
  if (r.salt !== null && r.body !== null) out += `,"salt":"${bytesToHex(r.salt)}","body":${JSON.stringify(r.body)}`;
  if (r.personal !== null && r.personal_salt !== null) out += `,"personal":${JSON.stringify(r.personal)},"personalSalt":"${bytesToHex(r.personal_salt)}"`;
  return out + "}";
}

/** The stored form as an object (for bundles and schema-checked answers). */
export function storedRecord(r: StoredColumns): RecordOrStub {
  return JSON.parse(storedRecordJson(r)) as RecordOrStub;
}
