// The window a stream answer is given for (issue 12): an auditor's query window as asked; a partner's intersected
// with the window of a grant covering the stream, the one overlapping the query longest (lowest grant id on ties).
// And the opaque page cursor: base64url of {from: after.from, seq: the page's last streamSeq}.
import { z } from "zod";
import { ApiError } from "./errors.ts";
import { devicesOf, streamPatternCovers, type Scope } from "./scope.ts";
import { Instant } from "./schemas-common.ts";

export type Window = { from: string; to: string };
const ms = (s: string) => Date.parse(s);
const iso = (t: number) => new Date(t).toISOString();

/** Whether a grant's kind can hold records of this stream: "@events/…" streams hold events, tag streams readings and series (PROTOCOL §3.2). */
const kindFits = (kind: string | null, name: string) => kind === null || (name.startsWith("@events/") ? kind === "event" : kind !== "event");

/** The clipped window; undefined when no grant covers the stream at all (answered as unknown: 404). */
export function clipWindow(scope: Scope, device: string, name: string, q: Window): Window | undefined {
  if (scope.full) return q;
  let covered = false;
  let best: { window: Window; length: number; id: number } | undefined;
  for (const g of scope.grants) {
    const devices = devicesOf(g);
    if (devices !== null && !devices.includes(device)) continue;
    if (!streamPatternCovers(g.stream, name) || !kindFits(g.kind, name)) continue;
    covered = true;
    const from = Math.max(ms(q.from), g.from === null ? -Infinity : ms(g.from));
    const to = Math.min(ms(q.to), g.to === null ? Infinity : ms(g.to));
    if (!(from < to)) continue;
    const length = to - from;
    if (best === undefined || length > best.length || (length === best.length && g.id < best.id)) best = { window: { from: iso(from), to: iso(to) }, length, id: g.id };
  }
  if (!covered) return undefined;
  if (best === undefined) throw new ApiError(400, "window_outside_grant", "no grant covering this stream overlaps the window", ["from"]);
  return best.window;
}

const CursorSchema = z.strictObject({ from: Instant, seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
export type StreamCursor = z.infer<typeof CursorSchema>;

export const encodeStreamCursor = (c: StreamCursor): string => Buffer.from(JSON.stringify(c)).toString("base64url");

export function decodeStreamCursor(text: string, to: string): StreamCursor {
  let value: unknown;
  try { value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")); } catch { value = undefined; }
  const c = CursorSchema.safeParse(value);
  if (!c.success || !(ms(c.data.from) < ms(to))) throw new ApiError(400, "cursor_invalid", "not a cursor of this query", ["cursor"]);
  return { from: iso(ms(c.data.from)), seq: c.data.seq };
}
