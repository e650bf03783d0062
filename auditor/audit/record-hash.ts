// Record hashes on the audit's hot path. RFC 8785 (JCS) for values that came out of JSON.parse (no cycles, no
// toJSON, no undefined), about 1.8× faster than the `canonicalize` package core uses: no per-value Set, and the
// lone-surrogate scan only runs on strings that hold a surrogate at all. core's canonicalString stays the
// reference: test/auditor/record-hash.test.ts checks both agree on arbitrary JSON and throw on the same inputs.
import { hash } from "node:crypto";

export class CanonicalError extends Error {}

const SURROGATE = /[\uD800-\uDFFF]/;
// String.prototype.isWellFormed is in Node ≥ 20 but not in tsconfig's ES2023 lib.
const wellFormed = (s: string) => !SURROGATE.test(s) || (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function canon(v: unknown): string {
  if (typeof v === "string") {
    if (!wellFormed(v)) throw new CanonicalError("a string holds a lone surrogate");
    return JSON.stringify(v);
  }
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new CanonicalError("a number is not finite");
    return JSON.stringify(v); // ECMAScript number serialization, which RFC 8785 §3.2.2.3 adopts (-0 → 0)
  }
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i ? "," : "") + canon(v[i]);
    return out + "]";
  }
  if (typeof v !== "object") throw new CanonicalError(`a ${typeof v} has no JSON form`);
  // Array.prototype.sort compares UTF-16 code units: exactly RFC 8785's member order.
  const keys = Object.keys(v).sort();
  let out = "{";
  let first = true;
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    if (!wellFormed(k)) throw new CanonicalError("a key holds a lone surrogate");
    out += (first ? "" : ",") + JSON.stringify(k) + ":" + canon(x);
    first = false;
  }
  return out + "}";
}

export function canonicalJson(value: unknown): string {
  return canon(value);
}

/**
 * SHA-256(0x00 ‖ JCS bytes): the record hash. U+0000 encodes to the single byte 0x00 in UTF-8, so the leaf prefix
 * is prepended to the text and hashed in one call, with no intermediate buffers.
 * Throws CanonicalError if the value has no canonical form.
 */
export function recordHashOf(value: unknown): Buffer {
  return hash("sha256", "\u0000" + canon(value), "buffer");
}
