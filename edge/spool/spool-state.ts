// What an opened spool resumes from: the device chain's head, the bytes held, the counters and a refusal still
// open. A spool belongs to one device: opening it for another is refused.
import type { DatabaseSync } from "node:sqlite";
import type { Hex32 } from "../../core/index.ts";
import { SpoolError } from "./types.ts";

export type Refusal = { count: number; firstTs: string; lastTs: string };
export type SpoolCounters = { refused_total: number; late_total: number; evicted_total: number };
export type SpoolState = { lastSeq: number; lastHash: Hex32 | null; bytes: number; counters: SpoolCounters; refusal: Refusal | null };

const meta = (db: DatabaseSync, key: string): string | undefined =>
  (db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value;

export function loadSpoolState(db: DatabaseSync, file: string, device: string): SpoolState {
  const chain = db.prepare("SELECT device, last_seq, last_hash FROM chain WHERE id = 1").get() as
    | { device: string; last_seq: number; last_hash: string | null } | undefined;
  if (chain && chain.device !== device) throw new SpoolError("spool_device_mismatch", `spool ${file} belongs to device ${chain.device}, not ${device}`);
  const bytes = Number((db.prepare("SELECT (SELECT coalesce(sum(bytes), 0) FROM records) + (SELECT coalesce(sum(bytes), 0) FROM samples) AS b").get() as { b: number }).b);
  const counters: SpoolCounters = { refused_total: 0, late_total: 0, evicted_total: 0 };
  for (const key of Object.keys(counters) as (keyof SpoolCounters)[]) counters[key] = Number(meta(db, key) ?? 0);
  const refusal = meta(db, "refusal");
  return { lastSeq: chain?.last_seq ?? 0, lastHash: (chain?.last_hash ?? null) as Hex32 | null, bytes, counters, refusal: refusal ? JSON.parse(refusal) as Refusal : null };
}
