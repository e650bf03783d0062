// Pages of one query chain: each verified page proves its own records complete between its boundaries; the
// chain between pages proves that together they leave nothing out. Page n is truncated and names as `after` the
// next in-window record; page n+1 must be the same stream up to the same window end and begin with that record.
import { recordHash, type StreamAnswer } from "../../core/index.ts";

export type PageCheckCode = "page_stream_mismatch" | "page_window_mismatch" | "page_chain_broken";
export type PageCheck = { name: "page_chain"; ok: boolean; code?: PageCheckCode; message?: string; expected?: unknown; computed?: unknown };

const bad = (code: PageCheckCode, message: string, expected?: unknown, computed?: unknown): PageCheck => ({ name: "page_chain", ok: false, code, message, expected, computed });

/** `prev` and `next` have each verified; `n` is next's page number (2, 3, …), for the message. */
export function checkPageContinues(prev: StreamAnswer, next: StreamAnswer, n: number): PageCheck {
  if (next.device !== prev.device || next.stream.name !== prev.stream.name || next.stream.salt !== prev.stream.salt) {
    return bad("page_stream_mismatch", `page ${n} answers another stream than page ${n - 1}`, { device: prev.device, stream: prev.stream }, { device: next.device, stream: next.stream });
  }
  if (next.window.to !== prev.window.to) return bad("page_window_mismatch", `page ${n} ends its window elsewhere than page ${n - 1}`, prev.window.to, next.window.to);
  if (!prev.truncated || prev.after === null) return bad("page_chain_broken", `page ${n - 1} was complete, yet page ${n} followed`, "no further page", n);
  const expected = recordHash(prev.after.record.header);
  const first = next.records[0];
  if (first === undefined) {
    return bad("page_chain_broken", `page ${n} has no records, but page ${n - 1} named streamSeq ${prev.after.record.header.streamSeq} as the next in the window`, expected, null);
  }
  const computed = recordHash(first.record.header);
  return computed === expected ? { name: "page_chain", ok: true }
    : bad("page_chain_broken", `page ${n} begins at streamSeq ${first.record.header.streamSeq}, not at the record page ${n - 1} named next (streamSeq ${prev.after.record.header.streamSeq})`, expected, computed);
}
