// The output of `otledger verify-query`: a human summary (one line per check, ✓ or ✗ with code and evidence, then
// what a valid answer proves) or JSON with the same content.
import type { AnswerOutcome, AnswerSubject } from "./verify-answer.ts";

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));

function subjectLines(s: AnswerSubject): string[] {
  const seqs = s.records === 0 ? "no records" : `${s.records} record${s.records === 1 ? "" : "s"}, streamSeq ${s.firstSeq}…${s.lastSeq}`;
  const edge = (what: string, seq: number | null, none: string) => (seq === null ? `${what}: ${none}` : `${what}: streamSeq ${seq}`);
  return [
    `  stream ${JSON.stringify(s.stream)} of device ${s.device}, window [${s.window.from}, ${s.window.to})`,
    `  ${seqs}; ${edge("before", s.before, "none (the stream's start)")}; ${edge("after", s.after, "none (the newest anchored record)")}${s.truncated ? "; truncated page" : ""}`,
    `  checkpoint ${s.checkpoint} (tree size ${s.treeSize}) of LedgerAnchor ${s.contract} on chain ${s.chainId}; proof: ${s.proofHashes} hashes`,
  ];
}

/** What the partner may conclude, in words (PROTOCOL §11.2 "What is proven"). */
export function provenLines(o: AnswerOutcome): string[] {
  if (!o.ok || o.proven === null || o.subject === null) return [];
  const s = o.subject, p = o.proven;
  return [
    `  proven: these are all the records of the stream that meet the window${p.truncated ? ` up to streamSeq ${s.lastSeq} (a truncated page: the rest follows from streamSeq ${s.after})` : ""}, with their bodies, as anchored at checkpoint ${s.checkpoint}`,
    ...(p.fromStart ? ["  proven: the window reaches back to the stream's first record"] : []),
    ...(p.toNewestAnchored ? [`  claimed, not proven: no later record of the stream was in the log at tree size ${s.treeSize}`] : []),
  ];
}

export function formatAnswerOutcome(path: string, o: AnswerOutcome): string {
  const out = [`otledger verify-query ${path}`];
  if (o.subject) out.push(...subjectLines(o.subject));
  for (const c of o.checks) {
    if (c.ok) out.push(`  ✓ ${c.name}${c.skipped ? ` (not checked: ${c.message ?? "no facts"})` : c.message ? ` (${c.message})` : ""}`);
    else {
      out.push(`  ✗ ${c.name}: ${c.code}${c.message ? ` — ${c.message}` : ""}`);
      if (c.expected !== undefined) out.push(`      expected: ${show(c.expected)}`);
      if (c.computed !== undefined) out.push(`      computed: ${show(c.computed)}`);
    }
  }
  out.push(...provenLines(o));
  const failed = o.checks.filter((c) => !c.ok).length;
  out.push(o.ok ? "VALID: every check passed" : `INVALID: ${failed} check${failed === 1 ? "" : "s"} failed`);
  return out.join("\n");
}

export function answerOutcomeJson(path: string, o: AnswerOutcome): string {
  return JSON.stringify({ file: path, valid: o.ok, subject: o.subject, proven: o.proven, checks: o.checks, successor: o.succession },
    (_k, x) => (typeof x === "bigint" ? x.toString() : x), 2);
}
