/** Checks of sealed v2 records for the edge tests: both chains, openings, and the samples a record holds. */
import { checkRecord, recordHash, seriesSamples, type FullRecord, type ReadingBody, type Sample, type SeriesBody } from "../../core/index.ts";

/** Every violation of the device chain (from `firstSeq`), the stream chains, time order or the openings, as text. */
export function chainProblems(records: readonly FullRecord[], opts: { firstSeq?: number; streamHeads?: Map<string, { streamSeq: number; hash: string | null; to: string | null }> } = {}): string[] {
  const problems: string[] = [];
  const first = opts.firstSeq ?? 1;
  const heads = new Map(opts.streamHeads ?? []);
  const ids = new Map<string, string>();
  records.forEach((r, i) => {
    const h = r.header;
    try { checkRecord(r); } catch (err) { problems.push(`seq ${h.seq}: ${(err as { code?: string }).code} ${(err as Error).message}`); }
    if (h.seq !== first + i) problems.push(`seq ${h.seq} at position ${i} (expected ${first + i})`);
    if (i > 0 && h.prev !== recordHash(records[i - 1]!.header)) problems.push(`seq ${h.seq}: prev is not the hash of seq ${h.seq - 1}`);
    const name = r.stream.name;
    if ((ids.get(name) ?? h.stream) !== h.stream) problems.push(`seq ${h.seq}: stream ${name} under a second id`);
    ids.set(name, h.stream);
    const head = heads.get(name);
    if (head) {
      if (h.streamSeq !== head.streamSeq + 1) problems.push(`seq ${h.seq}: ${name} streamSeq ${h.streamSeq} after ${head.streamSeq}`);
      if (h.streamPrev !== head.hash) problems.push(`seq ${h.seq}: ${name} streamPrev is not its previous record's hash`);
      if (head.to !== null && h.from < head.to) problems.push(`seq ${h.seq}: ${name} from ${h.from} before the previous to ${head.to}`);
    } else if (h.streamSeq !== 1 && !opts.streamHeads) problems.push(`seq ${h.seq}: ${name} starts at streamSeq ${h.streamSeq}`);
    heads.set(name, { streamSeq: h.streamSeq, hash: recordHash(h), to: h.to });
  });
  return problems;
}

/** The samples a series or reading record holds, with their times (epoch ms). */
export function samplesOf(r: FullRecord): Sample[] {
  if (r.header.kind === "series") return seriesSamples(r.header, r.body as SeriesBody);
  if (r.header.kind !== "reading") return [];
  const b = r.body as ReadingBody;
  const t = Date.parse(r.header.from);
  return [{ t, serverTs: b.serverDt === undefined ? t : b.serverDt === null ? null : t + b.serverDt, status: b.status, value: b.value }];
}
