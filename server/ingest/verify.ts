// Stateless checks of a schema-valid v2 envelope (core's checkEnvelopeV2: every record opens its header, both
// chains within the envelope, root, last hash, EIP-712 signature), plus what the store needs from them.
import {
  checkEnvelopeV2, EnvelopeV2Error, type Eip712DomainV2, type EnvelopeStream, type EnvelopeV2,
  type EnvelopeV2ErrorCode, type Hex32,
} from "../../core/index.ts";
import { IngestError } from "./errors.ts";

export type VerifiedEnvelope = {
  envelope: EnvelopeV2;
  /** Record hashes (Hex32, = recordHash(header)), in seq order. */
  hashes: Hex32[];
  /** RFC 8785 text of each record's header: exactly what was hashed. */
  canonicals: string[];
  /** Per stream the envelope touches: its first record (to check against the stored head) and its new head. */
  streams: EnvelopeStream[];
};

/**
 * The status of every code checkEnvelopeV2 can throw (a record's §3.4 code under records.i, the envelope's, the
 * signature's): a Record over the whole union, so a code core adds cannot reach a client unmapped.
 */
export const ENVELOPE_CHECK_STATUS: { readonly [C in EnvelopeV2ErrorCode]: 400 | 401 | 413 } = {
  schema_invalid: 400, stream_kind_mismatch: 400, stream_id_mismatch: 400, body_commitment_mismatch: 400,
  series_time_mismatch: 400, personal_commitment_mismatch: 400,
  envelope_empty: 400, envelope_too_large: 413, envelope_record_not_full: 400, envelope_device_mismatch: 400,
  envelope_seq_gap: 400, envelope_prev_mismatch: 400, stream_name_conflict: 400, envelope_stream_seq_gap: 400,
  envelope_stream_prev_mismatch: 400, envelope_stream_time_order: 400, envelope_count_mismatch: 400,
  envelope_root_mismatch: 400, envelope_last_hash_mismatch: 400,
  signature_invalid: 401, signature_signer_mismatch: 401,
};

/** Throws IngestError 400 (inconsistent envelope or record, with core's code and path), 401 (signature) or 413. */
export function verifyEnvelope(envelope: EnvelopeV2, domain: Eip712DomainV2): VerifiedEnvelope {
  let checked;
  try {
    checked = checkEnvelopeV2(envelope, domain);
  } catch (err) {
    if (!(err instanceof EnvelopeV2Error)) throw err;
    throw new IngestError(ENVELOPE_CHECK_STATUS[err.code], err.code, err.message, err.path, { expected: err.expected, computed: err.computed });
  }
  envelope.records.forEach((r, i) => {
    // PostgreSQL text and jsonb cannot hold U+0000; refuse it rather than fail the insert.
    for (const key of ["stream", "body", "personal"] as const) {
      if (r[key] !== undefined && JSON.stringify(r[key]).includes("\\u0000")) {
        throw new IngestError(400, "unsupported_character", "U+0000 is not supported in record strings", ["records", i, key]);
      }
    }
  });
  return { envelope, hashes: checked.recordHashes, canonicals: checked.canonicals, streams: checked.streams };
}
