// The rows `otledger query` writes for a verified stream answer: one per sample of a series or reading (its time,
// value, status and server timestamp as the device signed them), one per event. Samples outside the answered
// window are left out: a series meets the window as a whole, but the partner asked for the window.
import { recordHash, seriesSamples, type EventBody, type FullRecord, type OpcValueV2, type Personal, type ReadingBody, type Sample, type SeriesBody, type StreamAnswer } from "../../core/index.ts";

export const SAMPLE_COLUMNS = ["device", "stream", "record", "index", "ts", "value", "dataType", "unit", "status", "serverTs"] as const;
export const EVENT_COLUMNS = ["device", "stream", "record", "index", "ts", "type", "asset", "workOrder", "sourceSystem", "sourceRef", "actor", "text"] as const;
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;
export type RowKind = "samples" | "events";

/** Tag streams hold series and readings; "@events…" streams hold events (PROTOCOL §3.2). */
export const rowKindOf = (streamName: string): RowKind => (streamName.startsWith("@events") ? "events" : "samples");
export const columnsOf = (kind: RowKind): readonly string[] => (kind === "samples" ? SAMPLE_COLUMNS : EVENT_COLUMNS);

const iso = (ms: number) => new Date(ms).toISOString();
/** A server timestamp outside the Date range cannot be an ISO time: shown as its epoch milliseconds. */
const serverIso = (ms: number) => (Math.abs(ms) <= 8.64e15 ? iso(ms) : String(ms));

/** A reading is one sample at header.from; serverDt is omitted when the server timestamp equals it. */
function readingSample(from: string, body: ReadingBody): Sample {
  const t = Date.parse(from);
  const dt = body.serverDt === undefined ? 0 : body.serverDt;
  return { t, serverTs: dt === null ? null : t + dt, status: body.status, value: body.value };
}

/** Scalars stay scalars (numbers as JSON numbers, Int64 as its decimal string); arrays and structures as JSON. */
const valueCell = (v: OpcValueV2): Cell => (v.v === null ? null : typeof v.v === "object" ? JSON.stringify(v.v) : v.v);

function sampleRows(base: Row, r: FullRecord, w: { from: number; to: number }): Row[] {
  const h = r.header;
  const samples = h.kind === "series" ? seriesSamples(h, r.body as SeriesBody) : [readingSample(h.from, r.body as ReadingBody)];
  const meta = r.body as SeriesBody | ReadingBody;
  const dataType = "dataType" in meta ? meta.dataType : (meta as ReadingBody).value.t;
  return samples.filter((s) => s.t >= w.from && s.t < w.to).map((s) => ({
    ...base, ts: iso(s.t), value: valueCell(s.value), dataType, unit: meta.unit, status: s.status, serverTs: s.serverTs === null ? null : serverIso(s.serverTs),
  }));
}

function eventRow(base: Row, r: FullRecord): Row {
  const b = r.body as EventBody, p: Personal | undefined = r.personal;
  return {
    ...base, ts: r.header.from, type: b.type, asset: b.asset, workOrder: b.workOrder, sourceSystem: b.source?.system ?? null, sourceRef: b.source?.ref ?? null,
    // A personal-erased event keeps its body; its actor and text are gone.
    actor: p?.actor ?? null, text: p?.text ?? null,
  };
}

/** The rows of one verified answer's in-window records, in stream order. */
export function answerRows(a: StreamAnswer): Row[] {
  const w = { from: Date.parse(a.window.from), to: Date.parse(a.window.to) };
  const kind = rowKindOf(a.stream.name);
  return a.records.flatMap(({ index, record }) => {
    // a stub (a record only partly inside the window, outside the grant; or an erased one) has no samples to give
    if (!("body" in record) || record.body === undefined || record.body === null) return [];
    const r = record as FullRecord;
    const base: Row = { device: a.device, stream: a.stream.name, record: recordHash(r.header), index };
    return kind === "events" ? [eventRow(base, r)] : sampleRows(base, r, w);
  });
}
