// Canonical bytes: RFC 8785 JSON Canonicalization Scheme, via the `canonicalize` package.
import canonicalize from "canonicalize";
import { EncodingError } from "./errors.ts";

/** RFC 8785 text of a JSON value; throws EncodingError for values JSON cannot carry (NaN, Infinity, lone surrogates, cycles). */
export function canonicalString(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (err) {
    throw new EncodingError("canonical_invalid", `cannot canonicalize: ${(err as Error).message}`);
  }
  if (text === undefined) throw new EncodingError("canonical_invalid", "value has no JSON form");
  return text;
}

/** UTF-8 bytes of the RFC 8785 text. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalString(value), "utf8");
}
