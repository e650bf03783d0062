// Ingest rejections: an HTTP status, a literal code, the offending field path and the evidence.
import type { EnvelopeV2ErrorCode } from "../../core/index.ts";
import { HttpError } from "../http/http-error.ts";

/** Codes of the stateless envelope check (core checkEnvelopeV2: record, envelope and signature codes), answered as they are. */
export type EnvelopeCheckCode = EnvelopeV2ErrorCode;

/** Codes only storage can answer: the envelope against the stored device and stream heads. */
export type HeadErrorCode =
  | "seq_gap" | "seq_overlap" | "prev_mismatch" | "equivocation"
  | "stream_seq_gap" | "stream_prev_mismatch" | "stream_time_order" | "stream_name_conflict";

export type IngestErrorCode =
  | "schema_invalid" | "body_too_large" | "unsupported_character"
  | EnvelopeCheckCode
  | "device_unknown" | "device_revoked" | "device_role_mismatch" | "registry_unavailable"
  | HeadErrorCode;

export class IngestError extends HttpError<IngestErrorCode> {}
