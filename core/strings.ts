// One spelling for strings (docs/PROTOCOL.md §2, §5): every string of every v2 object is well-formed
// UTF-16. A lone surrogate has no UTF-8 form, so RFC 8785 cannot hash it; rejecting it in the schema (with the
// field's path) means canonicalization never sees one.
import { z } from "zod";

/** True when `s` has no lone surrogate (String.prototype.isWellFormed, ES2024; Node 22 has it). */
export function isWellFormed(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}

const WELL_FORMED = "expected well-formed UTF-16 (no lone surrogate)";

/** A well-formed string of `min`..`max` UTF-16 code units. */
export function wellFormedString(min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z.string().min(min).max(max).refine(isWellFormed, WELL_FORMED);
}

/** Optional text: a non-empty well-formed string or null (never "" — one spelling for "absent"). */
export function optionalText(max: number) {
  return wellFormedString(1, max).nullable();
}

/** A GUID in its one spelling: lowercase 8-4-4-4-12 hex, no braces. */
export const GuidSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "expected a lowercase GUID");

function isCanonicalBase64(s: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 && Buffer.from(s, "base64").toString("base64") === s;
}
/** Bytes as canonical padded base64 (RFC 4648 §4), at most 1 MiB of text. */
export const ByteStringSchema = z.string().max(1_048_576).refine(isCanonicalBase64, "expected canonical padded base64 (RFC 4648 §4)");

/** A salt: 16 bytes (128 bits) from a CSPRNG, `0x` + 32 lowercase hex digits. */
export const SaltSchema = z.string().regex(/^0x[0-9a-f]{32}$/, "expected 0x + 32 lowercase hex digits (16 random bytes)");
export type Salt = z.infer<typeof SaltSchema>;

/**
 * A schema that picks its sub-schema from the input (e.g. by `header.kind` or a variant's `t`) and reports the
 * sub-schema's issues with their own paths; a zod union would report only "invalid_union" at the parent.
 */
export function dispatched<T>(pick: (x: unknown) => z.ZodType<T> | string): z.ZodType<T> {
  return z.unknown().superRefine((x, ctx) => {
    const schema = pick(x);
    if (typeof schema === "string") { ctx.addIssue({ code: "custom", message: schema, input: x }); return; }
    const r = schema.safeParse(x);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue } as never);
  }) as unknown as z.ZodType<T>;
}
