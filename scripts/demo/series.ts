// What v2 stores: one series record per tag and window. The auditor (full scope) lists the device's series, picks
// the fullest, reads it back sample by sample from GET /v1/records/{hash}/samples, and checks the `tag` filter
// returns that tag's stream only.
import { isFull, type FullRecord, type SeriesBody } from "../../core/index.ts";
import { expect } from "./api.ts";
import type { DemoLedger } from "./ledger.ts";
import { allRecords, kindOf, sampleCount, seriesFigures, streamOf, type Item, type SeriesFigures } from "./records.ts";
import { int, short, type Story } from "./story.ts";

export type SeriesStep = { figures: SeriesFigures; sample: Item & { record: FullRecord }; data: Item[] };

type Sample = { i: number; time: string; serverTime: string | null; status: number; value: { t: string; v: unknown } };

export async function seriesStep(story: Story, ledger: DemoLedger, key: string, device: string): Promise<SeriesStep> {
  const data = await allRecords(ledger, key, `device=${device}`);
  const figures = seriesFigures(data);
  const kinds = new Map<string, number>();
  for (const i of data) kinds.set(kindOf(i), (kinds.get(kindOf(i)) ?? 0) + 1);
  story.check("the agent's samples arrived as series records", figures.series > 0 && figures.perSeries.max > 1,
    `${[...kinds].map(([k, n]) => `${int(n)} ${k}`).join(", ")}; ${int(figures.samples)} samples, median ${figures.perSeries.median} per series`);

  // The fullest series of a numeric tag: the one the samples route and the tamper drill use.
  const numeric = data.filter((i): i is SeriesStep["sample"] => isFull(i.record) && kindOf(i) === "series" && (i.record.body as SeriesBody).dataType === "Double");
  const sample = numeric.sort((a, b) => sampleCount(b) - sampleCount(a))[0];
  if (sample === undefined) throw new Error("no series of a Double tag in the ledger");
  const { header } = sample.record;
  const body = sample.record.body as SeriesBody;
  const answer = await expect(200, ledger.url, "GET", `/v1/records/${sample.hash}/samples`, key);
  const samples = answer.samples as Sample[];
  const first = samples[0], last = samples.at(-1);
  story.line(`GET /v1/records/${short(sample.hash)}/samples`, `${answer.stream} (${answer.nodeId}, ${answer.unit ?? "no unit"}, ${answer.dataType})`);
  for (const s of [first, last]) if (s) story.line(`  sample ${s.i}`, `${s.time}  ${String(s.value.v)}${answer.unit ? ` ${answer.unit}` : ""}  status ${s.status}`);
  story.check("the samples route gives the series' samples", answer.stream === sample.record.stream.name && samples.length === body.dt.length &&
    first?.time === header.from && last?.time === header.to && samples.every((s, i) => s.i === i && s.value.v === body.values[i]),
    `${samples.length} samples from ${header.from.slice(11)} to ${header.to.slice(11)} = header span, values equal the body's`);

  const tag = sample.record.stream.name;
  const byTag = await allRecords(ledger, key, `device=${device}&tag=${encodeURIComponent(tag)}`);
  story.check("the tag filter selects one stream", byTag.length > 0 && byTag.every((i) => streamOf(i) === tag) &&
    byTag.length === data.filter((i) => streamOf(i) === tag).length,
    `?tag=${tag} → ${byTag.length} records (streamSeq ${byTag.map((i) => i.record.header.streamSeq).join(", ")})`);
  return { figures, sample, data };
}
