// Typed errors of core/v2: a literal code, the offending field's path and the evidence.
import { OtledgerError, type EnvelopeErrorCode, type Evidence } from "../errors.ts";

export type Path = (string | number)[];

export type RecordErrorCode =
  | "schema_invalid"                 // the record or stub fails its schema (path and message say where and why)
  | "body_commitment_mismatch"       // header.body ≠ bodyCommitment(salt, body)
  | "personal_commitment_mismatch"   // body.personal ≠ personalCommitment(personalSalt, personal)
  | "stream_id_mismatch"             // header.stream ≠ streamId(device, stream.salt, stream.name)
  | "stream_kind_mismatch"           // the stream name does not fit the kind (or, for an event, its asset)
  | "series_time_mismatch";          // header.to ≠ header.from + Σ body.dt
/** A record or stub that is malformed or whose openings do not open its header. */
export class RecordError extends OtledgerError<RecordErrorCode> {
  readonly path: Path;
  constructor(code: RecordErrorCode, message: string, path: Path, evidence: Evidence = {}) {
    super(code, message, evidence);
    this.path = path;
  }
}

export type SeriesErrorCode =
  | "series_empty" | "series_too_long"   // 0 or more than 4,096 samples
  | "series_time_order"                  // a sample's time is before the previous one's
  | "series_type_mismatch"               // a value's type is not the series' dataType (nor Null)
  | "series_invalid";                    // a sample does not fit the series body schema
/** Samples that cannot form one series body. */
export class SeriesError extends OtledgerError<SeriesErrorCode> {}

export type EnvelopeV2ErrorCode =
  | EnvelopeErrorCode
  | RecordErrorCode
  | "envelope_record_not_full"        // a record lacks an opening: envelopes carry full records only
  | "envelope_stream_seq_gap"         // a stream's records in the envelope are not consecutive
  | "envelope_stream_prev_mismatch"   // streamPrev is not the hash of the stream's previous record
  | "envelope_stream_time_order"      // from is before the previous record of the stream's to
  | "stream_name_conflict";           // one stream name under two stream ids
/** A v2 envelope whose records, header or signature disagree; `path` names the offending field. */
export class EnvelopeV2Error extends OtledgerError<EnvelopeV2ErrorCode> {
  readonly path: Path;
  constructor(code: EnvelopeV2ErrorCode, message: string, path: Path, evidence: Evidence = {}) {
    super(code, message, evidence);
    this.path = path;
  }
}
