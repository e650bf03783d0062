// Timestamps are RFC 3339 UTC with exactly three fractional digits, the form Date.prototype.toISOString emits.
import { z } from "zod";

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** True when `s` is a real instant written in the one canonical form (so two spellings never hash differently). */
export function isCanonicalTimestamp(s: string): boolean {
  if (!TIMESTAMP.test(s)) return false;
  const ms = Date.parse(s);
  return Number.isFinite(ms) && new Date(ms).toISOString() === s;
}

export const TimestampSchema = z.string().refine(isCanonicalTimestamp, "expected RFC 3339 UTC with milliseconds, e.g. 2026-11-24T22:56:02.123Z");
export type Timestamp = z.infer<typeof TimestampSchema>;

/** Canonical timestamp of a Date or epoch milliseconds (the caller owns the clock). */
export function toTimestamp(at: Date | number): Timestamp {
  const ms = typeof at === "number" ? at : at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("invalid time value");
  return new Date(ms).toISOString();
}
