// Free text in protocol objects: only well-formed UTF-16. A lone surrogate has no UTF-8 form and no RFC 8785
// text (PROTOCOL §5), so the schema refuses it with the field's path before anything is canonicalized or hashed.
import { z } from "zod";

/** With the `u` flag a surrogate pair is one code point, so this matches only unpaired surrogates. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** True when `s` has no unpaired UTF-16 surrogate (String.prototype.isWellFormed, ES2024). */
export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** A well-formed string of `min`–`max` UTF-16 code units. Every free-text field of a record is one of these. */
export function textSchema(min: number, max: number) {
  return z.string().min(min).max(max).refine(isWellFormedText, "ill-formed string: lone UTF-16 surrogate (no UTF-8 or RFC 8785 form)");
}
