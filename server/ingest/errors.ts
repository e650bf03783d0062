// Ingest rejections: an HTTP status, a literal code, the offending field path and the evidence.
export type IngestErrorCode =
  | "schema_invalid" | "body_too_large" | "unsupported_character"
  | "envelope_empty" | "envelope_too_large" | "envelope_device_mismatch" | "envelope_seq_gap" | "envelope_prev_mismatch"
  | "envelope_count_mismatch" | "envelope_root_mismatch" | "envelope_last_hash_mismatch"
  | "signature_invalid" | "signature_signer_mismatch"
  | "device_unknown" | "device_revoked" | "registry_unavailable"
  | "seq_gap" | "seq_overlap" | "prev_mismatch" | "equivocation";

export class IngestError extends Error {
  readonly statusCode: number;
  readonly code: IngestErrorCode;
  readonly path: (string | number)[];
  readonly details: Record<string, unknown>;
  constructor(statusCode: number, code: IngestErrorCode, message: string, path: (string | number)[] = [], details: Record<string, unknown> = {}) {
    super(message);
    this.name = "IngestError";
    this.statusCode = statusCode;
    this.code = code;
    this.path = path;
    this.details = details;
  }

  toJSON(): Record<string, unknown> {
    return { statusCode: this.statusCode, code: this.code, message: this.message, path: this.path, ...this.details };
  }
}
