// Schema pieces shared by the API's routes (query strings arrive as strings; these coerce and normalise).
import { z } from "zod";

/** Any-case address, answered lowercase as the protocol spells it. */
export const AddressParam = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected 0x + 40 hex digits").transform((s) => s.toLowerCase());
export const Hex32Param = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x + 64 hex digits").transform((s) => s.toLowerCase());
/** RFC 3339 instant with an offset (answered and compared as UTC). */
export const Instant = z.iso.datetime({ offset: true });
export const Site = z.string().min(1).max(128).regex(/^[\w.:-]+$/, "letters, digits, _ . : - only");
export const Kind = z.enum(["reading", "event"]);
export const UInt = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const Limit = (max: number, def: number) => z.coerce.number().int().min(1).max(max).default(def);

export const ErrorSchema = z.object({
  statusCode: z.number(),
  code: z.string(),
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
}).loose();

/** Error answers every authenticated route may give. */
export const authErrors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 429: ErrorSchema } as const;
export const security = [{ bearer: [] as string[] }];

/** A query-string object: an unknown parameter is a 400 naming that parameter (not a path-less "unrecognized keys"). */
export const queryObject = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape).superRefine((q, ctx) => {
  for (const key of Object.keys(q)) if (!Object.hasOwn(shape, key)) ctx.addIssue({ code: "custom", path: [key], message: "unknown query parameter" });
});

/** Free text for queries and names: PostgreSQL text cannot hold U+0000, so it is refused here (400), not there (500). */
export const Text = (max: number) => z.string().min(1).max(max).regex(/^[^\u0000]*$/, "U+0000 is not allowed");
