// Ingest rejections: an HTTP status, a literal code, the offending field path and the evidence.
import { HttpError } from "../http/http-error.ts";

export type IngestErrorCode =
  | "schema_invalid" | "body_too_large" | "unsupported_character"
  | "envelope_empty" | "envelope_too_large" | "envelope_device_mismatch" | "envelope_seq_gap" | "envelope_prev_mismatch"
  | "envelope_count_mismatch" | "envelope_root_mismatch" | "envelope_last_hash_mismatch"
  | "signature_invalid" | "signature_signer_mismatch"
  | "device_unknown" | "device_revoked" | "registry_unavailable"
  | "seq_gap" | "seq_overlap" | "prev_mismatch" | "equivocation";

export class IngestError extends HttpError<IngestErrorCode> {}
