// Whose records a hole in the log was: the device of the exported envelope whose leaf span holds it (proven: an
// envelope's records sit at consecutive leaves), else the registered devices with nothing in the export that
// could have had records there (suspects: registered by the block that anchored the leaf).
import { firstCovering } from "./check-devices.ts";
import type { ChainView } from "./chain-view.ts";
import type { Collected } from "./collect.ts";

/** At most this many suspects are named per finding (a registry can hold thousands of silent devices). */
export const MAX_SUSPECTS = 20;

type Span = { start: number; end: number; device: string };

export type Attribution = {
  /** The device whose exported envelope covers `leaf`, or null. */
  owner(leaf: number): string | null;
  /** Devices registered by `block` (and by the export's registry snapshot) with no envelope or record in the export. */
  suspectsAt(block: number): string[];
  /** Suspects for a leaf: registered by the block of the first checkpoint covering it (any, if none covers it yet). */
  suspectsOfLeaf(leaf: number): string[];
};

export function buildAttribution(c: Collected, chain: ChainView): Attribution {
  const spans: Span[] = [];
  const spanned = new Set<string>();
  for (const r of c.records) {
    const e = c.envelopes.get(r.envelope);
    if (!e || spanned.has(r.envelope) || e.header.device !== r.device) continue;
    spanned.add(r.envelope);
    const start = r.index - (r.seq - e.header.firstSeq);
    spans.push({ start, end: start + e.header.count, device: e.header.device });
  }
  spans.sort((a, b) => a.start - b.start);
  const present = new Set<string>();
  for (const e of c.envelopes.values()) present.add(e.header.device);
  for (const r of c.records) present.add(r.device);
  const snapshot = c.header?.registryBlock ?? Infinity;
  const absent = chain.registrations.filter((r) => r.blockNumber <= snapshot && !present.has(r.device));

  const owner = (leaf: number): string | null => {
    let lo = 0, hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (spans[mid]!.start <= leaf) lo = mid + 1;
      else hi = mid;
    }
    const span = spans[lo - 1];
    return span && leaf < span.end ? span.device : null;
  };
  const suspectsAt = (block: number) => absent.filter((r) => r.blockNumber <= block).map((r) => r.device);
  const suspectsOfLeaf = (leaf: number) => {
    const covering = firstCovering(chain.checkpoints, leaf);
    return suspectsAt(covering === -1 ? Infinity : chain.checkpoints[covering]!.blockNumber);
  };
  return { owner, suspectsAt, suspectsOfLeaf };
}

/** Suspects as a finding's `devices` and a phrase for its message ("" when there are none). */
export function suspectsEvidence(devices: string[]): { devices?: string[]; phrase: string } {
  if (devices.length === 0) return { phrase: "" };
  const named = devices.slice(0, MAX_SUSPECTS);
  const more = devices.length > named.length ? ` and ${devices.length - named.length} more` : "";
  return { devices: named, phrase: `; registered device(s) with nothing in the export: ${named.join(", ")}${more}` };
}
