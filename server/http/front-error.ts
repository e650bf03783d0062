// Rejections by the HTTP front itself (body decoding, JSON, routing), before any route sees the request.
import { HttpError } from "./http-error.ts";

export type FrontErrorCode =
  | "duplicate_key"                 // a JSON object repeats a key (I-JSON, RFC 7493)
  | "schema_invalid"                // a JSON string is ill-formed (lone surrogate), wherever it is
  | "unsupported_content_encoding"  // 415: a Content-Encoding the service does not decode
  | "invalid_content_encoding"      // 400: the body is not in the Content-Encoding it is labelled with
  | "body_too_large"                // 413: the decoded body exceeds the route's body limit
  | "not_found" | "method_not_allowed";

export class FrontError extends HttpError<FrontErrorCode> {}
