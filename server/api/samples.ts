// GET /v1/records/{hash}/samples: the samples of a stored series or reading, decoded from its body with
// core's seriesSamples (t_i = header.from + Σ dt), so every time is the one the device signed.
import { seriesSamples, type Header, type ReadingBody, type Sample, type SeriesBody } from "../../core/index.ts";
import { ApiError } from "./errors.ts";
import type { RecordWithEnvelope } from "./records-query.ts";
import { storedRecord } from "./stored-record.ts";

export type SampleJson = { i: number; time: string; serverTime: string | null; status: number; value: Sample["value"] };
export type SamplesJson = { index: number; hash: string; stream: string; nodeId: string; unit: string | null; dataType: string; samples: SampleJson[] };

const iso = (ms: number) => new Date(ms).toISOString();
/** A server timestamp far from its sample time can fall outside the Date range: shown as its offset-free absence would lie, so as text. */
const serverIso = (ms: number) => (Math.abs(ms) <= 8.64e15 ? iso(ms) : `${ms} ms since the epoch`);

/** A reading is one sample at header.from; its serverDt is omitted iff the server timestamp equals it. */
function readingSamples(header: Header, body: ReadingBody): Sample[] {
  const t = Date.parse(header.from);
  const dt = body.serverDt === undefined ? 0 : body.serverDt;
  return [{ t, serverTs: dt === null ? null : t + dt, status: body.status, value: body.value }];
}

/** 409 for an event or an access/erasure record, or a record whose body was erased. */
export function samplesOf(row: RecordWithEnvelope): SamplesJson {
  const record = storedRecord(row);
  const { header } = record;
  if (header.kind !== "series" && header.kind !== "reading") {
    throw new ApiError(409, "record_has_no_samples", `a ${header.kind} record has no samples; only series and readings do`, ["hash"], { kind: header.kind });
  }
  if (!("body" in record)) throw new ApiError(409, "record_body_erased", "the record's body was erased: only its header (a stub) is kept", ["hash"]);
  const samples = header.kind === "series" ? seriesSamples(header, record.body as SeriesBody) : readingSamples(header, record.body as ReadingBody);
  const meta = record.body as SeriesBody | ReadingBody;
  const dataType = "dataType" in meta ? meta.dataType : (meta as ReadingBody).value.t;
  return {
    index: Number(row.leaf_index), hash: "0x" + row.hash.toString("hex"), stream: row.stream_name, nodeId: meta.nodeId, unit: meta.unit, dataType,
    samples: samples.map((s, i) => ({ i, time: iso(s.t), serverTime: s.serverTs === null ? null : serverIso(s.serverTs), status: s.status, value: s.value })),
  };
}
