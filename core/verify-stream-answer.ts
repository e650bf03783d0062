// verifyStreamAnswer: the pure verifier of a stream answer against chain facts (PROTOCOL §11.2). It proves that
// the returned records are all the stream's records between the boundaries, that the boundaries lie outside the
// window, and that every entry is a leaf of one anchored checkpoint. Every check is listed; each failure has a code.
import {
  checkAnchorTx, checkChainId, checkCheckpoint, checkContract, checkDeviceRegistered, checkNotRevoked, errorText, type CheckV2,
} from "./checks.ts";
import { recordHash, streamId } from "./commit.ts";
import { RecordError } from "./errors.ts";
import { ChainFactsV2Schema, type ChainFactsV2 } from "./facts.ts";
import { toHex32 } from "./hex.ts";
import { rootFromMultiProof } from "./multi-proof.ts";
import { checkRecord } from "./record-check.ts";
import { StreamAnswerSchema, type StreamAnswer, type StreamEntry } from "./stream-answer.ts";

export type StreamCheckName =
  | "schema" | "stream_id" | "stream_device" | "records_full" | "boundary_openings" | "window" | "stream_chain" | "stream_time_order"
  | "chain_id" | "contract" | "checkpoint" | "anchor_tx" | "inclusion" | "device_registered" | "device_not_revoked";
export type StreamCheckCode =
  | "stream_answer_schema" | "stream_id_mismatch" | "stream_device_mismatch" | "stub_in_window" | "record_opening_invalid"
  | "stub_commitment_mismatch" | "stream_record_outside_window" | "stream_boundary_inside_window" | "stream_gap" | "stream_time_order"
  | "inclusion_invalid"
  | "chain_id_mismatch" | "contract_mismatch" | "checkpoint_missing" | "checkpoint_index_mismatch" | "checkpoint_size_mismatch"
  | "checkpoint_root_mismatch" | "checkpoint_block_mismatch" | "anchor_tx_missing" | "anchor_tx_mismatch"
  | "device_facts_mismatch" | "device_not_registered" | "device_role_mismatch" | "record_not_anchored" | "first_covering_invalid" | "device_revoked";
export type StreamCheck = { name: StreamCheckName; ok: boolean; code?: StreamCheckCode; expected?: unknown; computed?: unknown; message?: string; skipped?: boolean };
/** What the answer proves when it verifies: `start` the stream's start is included, `present` no later record was claimed at the checkpoint. */
export type StreamAnswerResult = { ok: boolean; checks: StreamCheck[]; proven: { fromStart: boolean; toNewestAnchored: boolean; truncated: boolean } | null };

export const STREAM_ANSWER_CHECKS = [
  "schema", "stream_id", "stream_device", "records_full", "boundary_openings", "window", "stream_chain", "stream_time_order",
  "chain_id", "contract", "checkpoint", "anchor_tx", "inclusion", "device_registered", "device_not_revoked",
] as const satisfies readonly StreamCheckName[];

const ok = (name: StreamCheckName, message?: string): StreamCheck => (message === undefined ? { name, ok: true } : { name, ok: true, message });
const bad = (name: StreamCheckName, code: StreamCheckCode, message: string, expected?: unknown, computed?: unknown): StreamCheck => ({ name, ok: false, code, message, expected, computed });
/** The shared §11 checks use the bundle's names and codes, which are a subset of ours. */
const shared = (c: CheckV2): StreamCheck => c as StreamCheck;

type Labeled = { at: string; entry: StreamEntry };
function entries(a: StreamAnswer): Labeled[] {
  const out: Labeled[] = [];
  if (a.before !== null) out.push({ at: "before", entry: a.before });
  a.records.forEach((entry, i) => out.push({ at: `records.${i}`, entry }));
  if (a.after !== null) out.push({ at: "after", entry: a.after });
  return out;
}

export function verifyStreamAnswer(answer: unknown, chainFacts: ChainFactsV2): StreamAnswerResult {
  const parsed = StreamAnswerSchema.safeParse(answer);
  const facts = ChainFactsV2Schema.safeParse(chainFacts);
  if (!parsed.success || !facts.success) {
    const issue = (parsed.success ? facts.error! : parsed.error).issues[0];
    const path = [parsed.success ? "chainFacts" : "answer", ...(issue?.path ?? [])].join(".");
    return { ok: false, proven: null, checks: [bad("schema", "stream_answer_schema", `${path}: ${issue?.message ?? "invalid"}`, undefined, path)] };
  }
  const a = parsed.data, f = facts.data, all = entries(a);
  const last = all.at(-1)?.entry.index ?? 0;
  const kind = all[0]?.entry.record.header.kind;
  const checks: StreamCheck[] = [
    ok("schema"), checkStreamId(a, all), checkDevice(a, all), checkRecordsFull(a), checkBoundaryOpenings(a), checkWindow(a),
    checkChain(a, all), checkTimeOrder(all),
    shared(checkChainId(a.anchor, f)), shared(checkContract(a.anchor, f)), shared(checkCheckpoint(a.anchor, f)), shared(checkAnchorTx(a.anchor, f)),
    checkInclusion(a, all, f.checkpoint?.root ?? a.anchor.root),
    shared(checkDeviceRegistered(a.device, f, kind)),
    all.length === 0 ? bad("device_not_revoked", "record_not_anchored", "the answer has no entry at all") : shared(checkNotRevoked(last, a.anchor, f)),
  ];
  const good = checks.every((c) => c.ok);
  return { ok: good, checks, proven: good ? { fromStart: a.before === null, toNewestAnchored: a.after === null, truncated: a.truncated } : null };
}

function checkStreamId(a: StreamAnswer, all: Labeled[]): StreamCheck {
  const id = streamId(a.device, a.stream.salt, a.stream.name);
  const wrong = all.find(({ entry }) => entry.record.header.stream !== id || (entry.record.stream !== undefined && entry.record.stream.name !== a.stream.name));
  return wrong === undefined ? ok("stream_id")
    : bad("stream_id", "stream_id_mismatch", `${wrong.at} is not a record of stream ${JSON.stringify(a.stream.name)}`, id, wrong.entry.record.header.stream);
}

function checkDevice(a: StreamAnswer, all: Labeled[]): StreamCheck {
  const wrong = all.find(({ entry }) => entry.record.header.device !== a.device);
  return wrong === undefined ? ok("stream_device") : bad("stream_device", "stream_device_mismatch", `${wrong.at} is another device's record`, a.device, wrong.entry.record.header.device);
}

/** Openings of a record or stub: the failing RecordError, or the openings it reports. */
function openingsOf(e: StreamEntry): { openings: string } | { error: RecordError } {
  try { return { openings: checkRecord(e.record).openings }; } catch (err) {
    if (err instanceof RecordError) return { error: err };
    throw err;
  }
}

function checkRecordsFull(a: StreamAnswer): StreamCheck {
  for (const [i, e] of a.records.entries()) {
    const r = openingsOf(e);
    if ("error" in r) return bad("records_full", "record_opening_invalid", `records.${i}: ${r.error.code}: ${r.error.message}`, r.error.expected, r.error.code);
    // A record reaching outside the window may be a stub (a grant window or kind limit may not cover it): it is
    // then a link of the chain, not a gap. A record wholly inside the window must come with its body.
    if (r.openings === "stub" && within(e.record.header, a.window)) {
      return bad("records_full", "stub_in_window", `records.${i} (streamSeq ${e.record.header.streamSeq}) is a stub wholly inside the window: it must come with its body`, "full", "stub");
    }
  }
  return ok("records_full");
}

/** Boundaries may be stubs; whatever openings they do carry must open their headers. */
function checkBoundaryOpenings(a: StreamAnswer): StreamCheck {
  for (const [at, e] of [["before", a.before], ["after", a.after]] as const) {
    if (e === null) continue;
    const r = openingsOf(e);
    if ("error" in r) return bad("boundary_openings", "stub_commitment_mismatch", `${at}: ${r.error.code}: ${r.error.message}`, r.error.expected, r.error.code);
  }
  return ok("boundary_openings");
}

/** The span lies wholly inside the half-open window: from ≥ window.from and to < window.to. */
const within = (h: { from: string; to: string }, w: { from: string; to: string }) => h.from >= w.from && h.to < w.to;
const meets = (h: { from: string; to: string }, w: { from: string; to: string }) => h.from < w.to && h.to >= w.from;

function checkWindow(a: StreamAnswer): StreamCheck {
  const w = a.window;
  for (const [i, e] of a.records.entries()) {
    const h = e.record.header;
    if (!meets(h, w)) return bad("window", "stream_record_outside_window", `records.${i} spans [${h.from}, ${h.to}], outside [${w.from}, ${w.to})`, w, { from: h.from, to: h.to });
  }
  if (a.before !== null && a.before.record.header.to >= w.from) {
    return bad("window", "stream_boundary_inside_window", "before ends inside the window", `to < ${w.from}`, a.before.record.header.to);
  }
  // A truncated page's `after` is the next in-window record, where the next page starts.
  if (a.after !== null && !a.truncated && a.after.record.header.from < w.to) {
    return bad("window", "stream_boundary_inside_window", "after starts inside the window", `from >= ${w.to}`, a.after.record.header.from);
  }
  if (a.truncated && a.after === null) return bad("window", "stream_boundary_inside_window", "a truncated page must name the next record", "after", null);
  return ok("window");
}

/** Consecutive streamSeq and streamPrev links from before through after; no before means the stream's first record. */
function checkChain(a: StreamAnswer, all: Labeled[]): StreamCheck {
  if (all.length === 0) return bad("stream_chain", "stream_gap", "an answer needs at least one record or boundary");
  const first = all[0]!.entry.record.header;
  if (a.before === null && (first.streamSeq !== 1 || first.streamPrev !== null)) {
    return bad("stream_chain", "stream_gap", `no before boundary, but ${all[0]!.at} is not the stream's first record`, 1, first.streamSeq);
  }
  for (let i = 1; i < all.length; i++) {
    const p = all[i - 1]!.entry.record.header, h = all[i]!.entry.record.header;
    if (h.streamSeq !== p.streamSeq + 1) return bad("stream_chain", "stream_gap", `${all[i]!.at} does not follow ${all[i - 1]!.at}`, p.streamSeq + 1, h.streamSeq);
    const prev = recordHash(p);
    if (h.streamPrev !== prev) return bad("stream_chain", "stream_gap", `${all[i]!.at}.streamPrev is not the hash of ${all[i - 1]!.at}`, prev, h.streamPrev);
  }
  return ok("stream_chain");
}

/** PROTOCOL §3.1: within a stream from ≥ the previous record's to; it is what makes the boundaries bound the window. */
function checkTimeOrder(all: Labeled[]): StreamCheck {
  for (let i = 1; i < all.length; i++) {
    const p = all[i - 1]!.entry.record.header, h = all[i]!.entry.record.header;
    if (h.from < p.to) return bad("stream_time_order", "stream_time_order", `${all[i]!.at} starts before ${all[i - 1]!.at} ends`, `>= ${p.to}`, h.from);
  }
  return ok("stream_time_order");
}

function checkInclusion(a: StreamAnswer, all: Labeled[], root: string): StreamCheck {
  try {
    const computed = toHex32(rootFromMultiProof(all.map((e) => e.entry.index), all.map((e) => recordHash(e.entry.record.header)), a.anchor.treeSize, a.proof));
    return computed === root ? ok("inclusion") : bad("inclusion", "inclusion_invalid", "the multi-leaf proof does not lead to the checkpoint root", root, computed);
  } catch (err) {
    return bad("inclusion", "inclusion_invalid", errorText(err), root, null);
  }
}
