// Protocol v2 records as the API answers them (PROTOCOL §3): `{ header, stream, salt, body, personal?,
// personalSalt? }`, or a stub `{ header }`. The demo reads them through these few helpers, so no step reaches
// into a v1 shape, and it measures what v2 changed: samples per series record, and what a stub discloses.
import { checkRecord, isFull, stubOf, type FullRecord, type RecordOrStub, type SeriesBody } from "../../core/index.ts";
import { expect } from "./api.ts";
import type { DemoLedger } from "./ledger.ts";

/** One item of `GET /v1/records`. */
export type Item = { index: number; hash: string; record: RecordOrStub };
export type EventBody = { type: string; asset: string | null; workOrder: string | null };

export const kindOf = (i: Item) => i.record.header.kind;
export const streamOf = (i: Item) => i.record.stream?.name ?? "(stub)";
export const eventBody = (i: Item): EventBody => (isFull(i.record) ? (i.record.body as EventBody) : { type: "?", asset: null, workOrder: null });
export const sampleCount = (i: Item): number => {
  const r = i.record;
  if (!isFull(r)) return 0;
  return r.header.kind === "series" ? (r.body as SeriesBody).dt.length : r.header.kind === "reading" ? 1 : 0;
};

/** Every record of `query` readable with `key`, following the cursor. */
export async function allRecords(ledger: DemoLedger, key: string, query: string): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await expect(200, ledger.url, "GET", `/v1/records?${query}&limit=1000${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`, key);
    items.push(...(page.records as Item[]));
    // nextCursor is always set (it also tails new records); hasMore says whether this page was the last.
    if (!page.hasMore) return items;
    cursor = page.nextCursor as string;
  }
}

export type SeriesFigures = { series: number; readings: number; samples: number; perSeries: { median: number; min: number; max: number } };

/** What the device's data records hold: how many series, how many one-off readings, and the samples in them. */
export function seriesFigures(items: Item[]): SeriesFigures {
  const series = items.filter((i) => kindOf(i) === "series").map(sampleCount).sort((a, b) => a - b);
  const readings = items.filter((i) => kindOf(i) === "reading").length;
  const samples = series.reduce((a, b) => a + b, 0) + readings;
  const median = series[Math.floor(series.length / 2)] ?? 0;
  return { series: series.length, readings, samples, perSeries: { median, min: series[0] ?? 0, max: series.at(-1) ?? 0 } };
}

export type StubFigure = { fullBytes: number; stubBytes: number; sameHash: boolean; disclosed: string[] };

/**
 * A stub of a full record (core's `stubOf`, as proofs and erasure use it): the header alone, which hashes to the
 * same record hash, so every proof over it still holds, while tag, unit, values and statuses stay hidden.
 */
export function stubFigure(record: FullRecord): StubFigure {
  const stub = stubOf(record);
  return {
    fullBytes: Buffer.byteLength(JSON.stringify(record)), stubBytes: Buffer.byteLength(JSON.stringify(stub)),
    sameHash: checkRecord(stub).hash === checkRecord(record).hash && checkRecord(stub).openings === "stub",
    disclosed: Object.keys(stub.header),
  };
}
