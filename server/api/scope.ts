// What a caller may read, as one SQL condition over `records r`. Auditors read everything; a partner reads a
// record iff it is data (reading, series, event: never the service's access or erasure records) and one of its
// live grants matches it on every dimension the grant sets (site = the device's enrolled site; stream = the record's
// stream name, exactly or, for a pattern ending in `*`, by prefix; a time window
// [from, to) only covers records whose whole span [from_ts, to_ts] lies inside it, since a series reaching
// outside would disclose samples outside the window). A partner without live grants reads nothing.
// Out-of-scope records are answered as absent.
import type pg from "pg";
import { hexToBytes } from "../db/bytes.ts";
import type { Caller } from "./auth.ts";
import { liveGrants, type Grant } from "./principals-db.ts";

export type Scope = {
  full: boolean;
  grants: ResolvedGrant[];
  /** Devices excluded whatever the grants say. */
  hidden: readonly string[];
  /** Whether the caller may see this device at all: the one test every device listing uses (it honours `hidden`). */
  sees(device: string): boolean;
};
export type ResolvedGrant = Grant & { siteDevices: string[] | null };

/** Appends SQL parameters and returns placeholders. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** An auditor's scope: everything, the access log's device included. */
export const FULL_SCOPE: Scope = { full: true, grants: [], hidden: [], sees: () => true };

export async function scopeOf(db: Pick<pg.Pool, "query">, caller: Caller): Promise<Scope> {
  if (caller.role === "auditor") return FULL_SCOPE;
  const grants = await liveGrants(db, caller.id);
  const sites = [...new Set(grants.map((g) => g.site).filter((s): s is string => s !== null))];
  const bySite = new Map<string, string[]>(sites.map((s) => [s, []]));
  if (sites.length > 0) {
    const res = await db.query<{ address: Buffer; site: string }>("SELECT address, site FROM api_devices WHERE site = ANY($1)", [sites]);
    for (const r of res.rows) bySite.get(r.site)!.push("0x" + r.address.toString("hex"));
  }
  const resolved = grants.map((g) => ({ ...g, siteDevices: g.site === null ? null : bySite.get(g.site)! }));
  let devices: Set<string> | null = new Set();
  for (const g of resolved) {
    const own = devicesOf(g);
    if (own === null) { devices = null; break; }
    for (const d of own) devices.add(d);
  }
  const granted = devices;
  const hidden = caller.hidden;
  return { full: false, grants: resolved, hidden, sees: (device) => !hidden.includes(device) && (granted === null || granted.has(device)) };
}

/** Devices a grant covers (null = any). */
export function devicesOf(g: ResolvedGrant): string[] | null {
  if (g.device !== null && g.siteDevices !== null) return g.siteDevices.includes(g.device) ? [g.device] : [];
  if (g.device !== null) return [g.device];
  return g.siteDevices;
}

/** The scope as a condition on `r` (records) joined with `e` (their envelopes), or "TRUE". */
export function scopeCondition(scope: Scope, p: Params): string {
  if (scope.full) return "TRUE";
  const parts = scope.grants.map((g) => {
    const c: string[] = [];
    const devices = devicesOf(g);
    // On the envelope (e.device = r.device): device filters then pick envelopes, and records come by envelope.
    if (devices !== null) c.push(devices.length === 1 ? `e.device = ${p.add(hexToBytes(devices[0]!))}` : `e.device = ANY(${p.add(devices.map(hexToBytes))}::bytea[])`);
    if (g.kind !== null) c.push(`r.kind = ${p.add(g.kind)}`);
    if (g.stream !== null) c.push(streamMatch(g.stream, p));
    if (g.from !== null) c.push(`r.from_ts >= ${p.add(g.from)}::timestamptz`);
    if (g.to !== null) c.push(`r.to_ts < ${p.add(g.to)}::timestamptz`);
    return c.length === 0 ? "TRUE" : `(${c.join(" AND ")})`;
  });
  if (parts.length === 0) return "FALSE";
  const granted = `r.kind IN ('reading', 'series', 'event') AND ${parts.length === 1 ? parts[0]! : `(${parts.join(" OR ")})`}`;
  return scope.hidden.length === 0 ? granted : `${granted} AND e.device <> ALL(${p.add(scope.hidden.map(hexToBytes))}::bytea[])`;
}

/** A grant's stream pattern as a condition on r.stream_name: exact, or by prefix when it ends in `*` (no LIKE: `%` and `_` are literal). */
export function streamMatch(pattern: string, p: Params): string {
  return pattern.endsWith("*") ? `starts_with(r.stream_name, ${p.add(pattern.slice(0, -1))})` : `r.stream_name = ${p.add(pattern)}`;
}

/** Whether a grant's stream pattern covers a stream name (the same rule as streamMatch, in JS). */
export function streamPatternCovers(pattern: string | null, name: string): boolean {
  if (pattern === null) return true;
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}
