// The events the spool writes of its own accord, and where an event goes: pure builders, no database. A late
// sample becomes a note event carrying all its data; an event older than its stream's head is moved to the head
// with its own time stated in its text; an outage event states how many samples a full spool refused.
import { EVENTS_STREAM, toTimestamp } from "../../core/index.ts";
import type { CapturedSample, EventDraft, SpoolAlarm } from "./types.ts";

/** Stream of an event: `@events/<asset>`, `@events` without one (PROTOCOL §3.2). */
export const eventStreamOf = (asset: string | null): string => (asset === null ? EVENTS_STREAM : `${EVENTS_STREAM}/${asset}`);

/** A sample older than its stream's sealed head, kept as a note event with its value, status and timestamps. */
export function lateSampleDraft(s: CapturedSample, headTo: number, nowMs: number): { draft: EventDraft; alarm: SpoolAlarm } {
  const value = JSON.stringify(s.value);
  const text = `sample of ${s.stream} (${s.nodeId}) at ${toTimestamp(s.t)} arrived after the stream was sealed through ${toTimestamp(headTo)}, so it is not in the stream: `
    + `status 0x${s.status.toString(16).padStart(8, "0")}, server time ${s.serverTs === null ? "none" : toTimestamp(s.serverTs)}, value ${value}`;
  return {
    alarm: { code: "sample_out_of_order", key: `sample_out_of_order:${s.stream}`, message: `${s.stream}: a sample at ${toTimestamp(s.t)} is older than the stream's sealed head ${toTimestamp(headTo)}; recorded as a note event in ${EVENTS_STREAM}` },
    draft: {
      at: nowMs, body: { type: "note", asset: null, workOrder: null, source: { system: "otledger-edge", ref: `late-sample/${s.stream}`.slice(0, 256) } },
      personal: { actor: null, text: text.length <= 4096 ? text : `${text.slice(0, 4000)}… (value truncated: ${value.length} chars)` },
    },
  };
}

/**
 * An event's time and personal opening in a stream whose head is at `headTo`: its own time, unless the stream
 * already holds a later one; then the head's time (the earliest the stream can take), the own time in the text.
 */
export function atStreamHead(e: EventDraft, stream: string, headTo: number | null): { at: number; personal: EventDraft["personal"] } {
  if (headTo === null || e.at >= headTo) return { at: e.at, personal: e.personal };
  const note = ` [occurred at ${toTimestamp(e.at)}; recorded at ${toTimestamp(headTo)}, the time of the latest event already in ${stream}]`;
  return { at: headTo, personal: { ...e.personal, text: `${e.personal.text.slice(0, 4096 - note.length)}${note}` } };
}

/** The outage event written when samples are admitted again after a full spool refused some. */
export const outageDraft = (r: { count: number; firstTs: string; lastTs: string }, nowMs: number): EventDraft => ({
  at: nowMs, body: { type: "outage", asset: null, workOrder: null },
  personal: { actor: null, text: `edge spool full: ${r.count} samples not recorded between ${r.firstTs} and ${r.lastTs}` },
});
