// Stream-answer vectors (docs/PROTOCOL.md §11.2): the synthetic two-stream log of test/core/helpers/stream-log.ts,
// honest answers (middle, empty, start, present, a truncated page) and the drills with the code each MUST produce.
import { stubOf, type FullRecord, type StreamAnswer } from "../../../core/index.ts";
import { streamLog } from "../helpers/stream-log.ts";

export function streamAnswerVectors() {
  const log = streamLog(10);
  const honest = log.answer("A", 5, 13);
  const drill = (name: string, code: string, edit: (a: StreamAnswer) => void) => { const answer = structuredClone(honest); edit(answer); return { name, code, answer }; };
  return {
    description: "Stream answers over a 20-leaf log of two interleaved reading streams (A at even leaves, minutes 0..18; B at odd ones), one checkpoint of all 20 leaves.",
    facts: log.facts,
    honest: [
      { name: "window in the middle", answer: honest },
      { name: "empty window", answer: log.answer("A", 5, 6) },
      { name: "window at the start", answer: log.answer("A", 0, 5) },
      { name: "window reaching the present", answer: log.answer("B", 12, 99) },
      { name: "truncated page", answer: log.answer("A", 0, 99, 3) },
    ],
    drills: [
      drill("one record omitted", "stream_gap", (a) => { a.records.splice(1, 1); }),
      drill("boundary moved inside", "stream_boundary_inside_window", (a) => { a.before = { index: a.records[0]!.index, record: stubOf(a.records[0]!.record as FullRecord) }; a.records.shift(); }),
      drill("another stream's record", "stream_id_mismatch", (a) => { a.records[1] = log.answer("B", 7, 8).records[0]!; }),
      drill("stub in place of an in-window record", "stub_in_window", (a) => { a.records[2] = { index: a.records[2]!.index, record: stubOf(a.records[2]!.record as FullRecord) }; }),
      drill("tampered proof", "inclusion_invalid", (a) => { a.proof[0] = `0x${"00".repeat(32)}`; }),
    ],
  };
}
