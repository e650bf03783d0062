// Typed errors of the protocol core. Each carries a literal `code` and the evidence that led to it.

export type Evidence = { expected?: unknown; computed?: unknown };
/** Where in the offending object: keys and array indices from its root. */
export type Path = (string | number)[];

/** Base: every core error has a code from its class's literal union and optional evidence. */
export class OtledgerError<C extends string = string> extends Error {
  readonly code: C;
  readonly expected?: unknown;
  readonly computed?: unknown;
  constructor(code: C, message: string, evidence: Evidence = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    if ("expected" in evidence) this.expected = evidence.expected;
    if ("computed" in evidence) this.computed = evidence.computed;
  }
}

export type EncodingErrorCode =
  | "hex_invalid" | "hex32_invalid" | "bytes32_length" | "address_invalid"
  | "opc_value_invalid" | "canonical_invalid";
/** Malformed hex, addresses, OPC UA values or JSON that cannot be canonicalized. */
export class EncodingError extends OtledgerError<EncodingErrorCode> {}

export type MerkleProofErrorCode =
  | "merkle_index_out_of_range" // index >= size
  | "merkle_size_invalid"       // negative, non-integer or unsafe size; size1 > size2; or a consistency proof from size 0
  | "merkle_proof_size"         // proof has the wrong number of hashes
  | "merkle_root_mismatch"      // the proof leads to another root (expected vs computed)
  | "merkle_old_root_mismatch"  // consistency: the proof does not reproduce the old root
  | "merkle_new_root_mismatch"  // consistency: the proof does not reproduce the new root
  | "merkle_subtree_missing";   // a subtree-hash lookup had no entry
/** A Merkle proof that does not verify, or a request that cannot have a proof. Roots are Hex32 in the evidence. */
export class MerkleProofError extends OtledgerError<MerkleProofErrorCode> {}

export type EnvelopeErrorCode =
  | "envelope_empty" | "envelope_too_large"
  | "envelope_device_mismatch"     // a record's device differs from header.device
  | "envelope_seq_gap"             // records are not consecutive from header.firstSeq
  | "envelope_prev_mismatch"       // records[i].prev is not the hash of records[i-1]
  | "envelope_count_mismatch"      // header.count differs from the number of records
  | "envelope_root_mismatch"       // header.recordsRoot differs from the root of the record hashes
  | "envelope_last_hash_mismatch"  // header.lastHash differs from the hash of the last record
  | "signature_invalid"            // not a recoverable, low-s secp256k1 signature
  | "signature_signer_mismatch";   // recovers to another address than header.device
/** A submitted envelope whose header, records or signature disagree; `path` names the offending field. */
export class EnvelopeError extends OtledgerError<EnvelopeErrorCode> {
  readonly path: Path;
  constructor(code: EnvelopeErrorCode, message: string, path: Path, evidence: Evidence = {}) {
    super(code, message, evidence);
    this.path = path;
  }
}


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
/** An envelope whose records, header or signature disagree; `path` names the offending field. */
export class EnvelopeV2Error extends OtledgerError<EnvelopeV2ErrorCode> {
  readonly path: Path;
  constructor(code: EnvelopeV2ErrorCode, message: string, path: Path, evidence: Evidence = {}) {
    super(code, message, evidence);
    this.path = path;
  }
}
