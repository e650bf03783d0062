// An access entry (who read which route with which filter) as the body of a v2 access record
// (PROTOCOL §4.4, AccessBodySchema): principal "<role>:<name>", the route pattern, and a flat filter whose
// values are scalars. Request metadata travels in filter keys starting with "@" (query parameters never do).
import { createHash } from "node:crypto";
import { MAX_FILTER_KEYS, type AccessBody } from "../../core/index.ts";

export type AccessEntry = { principal: { id: number; name: string; role: string }; route: string; filter: Record<string, unknown>; count: number; at: Date; requestId: string };
type FilterValue = AccessBody["filter"][string];

const MAX_VALUE = 4096, MAX_KEY = 128;
const digest = (s: string) => "sha256:0x" + createHash("sha256").update(s).digest("hex");

/** A scalar filter value: arrays and objects as their JSON, over-long strings as their digest, -0 as 0. */
function scalar(v: unknown): FilterValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : String(v);
  const s = typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
  // Lone surrogates cannot be hashed (RFC 8785): their text is replaced by the digest of its UTF-16 escape.
  const wellFormed = (s as string & { isWellFormed(): boolean }).isWellFormed();
  if (!wellFormed) return digest(JSON.stringify(s));
  return s.length <= MAX_VALUE ? s : digest(s);
}

/** The access record body of an entry; extra keys beyond the limit are dropped and "@truncated" says so. */
export function accessBody(e: AccessEntry): AccessBody {
  const entries: [string, FilterValue][] = [
    ["@principalId", e.principal.id], ["@requestId", e.requestId.slice(0, MAX_VALUE) || "-"],
    ...Object.entries(e.filter).filter(([, v]) => v !== undefined).map(([k, v]): [string, FilterValue] => [k.slice(0, MAX_KEY) || "-", scalar(v)]),
  ];
  const kept = entries.length <= MAX_FILTER_KEYS ? entries : [...entries.slice(0, MAX_FILTER_KEYS - 1), ["@truncated", true] as [string, FilterValue]];
  return {
    principal: `${e.principal.role}:${e.principal.name}`.slice(0, 128),
    route: e.route.slice(0, 256),
    filter: Object.fromEntries(kept),
    count: e.count,
  };
}
