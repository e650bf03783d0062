// `otledger verify-query`: one stream answer (otledger.stream-answer/1, PROTOCOL §11.2) checked with core's
// verifyStreamAnswer against facts read from LedgerAnchor (the checkpoint, the device's key, the anchor tx), plus
// the auditor's succession check. `otledger query` verifies each page with the same function and one reader.
import { streamChainFactsQuery, StreamAnswerSchema, verifyStreamAnswer, type StreamAnswer, type StreamCheck, type StreamAnswerResult } from "../../core/index.ts";
import { connectLedgerAnchor, type LedgerAnchorReader, type Succession } from "../../sdk/ledger-anchor.ts";
import { InputError } from "../format/input-error.ts";
import { readJson } from "../verify/command.ts";
import { readSubjectFacts } from "../../sdk/chain-facts.ts";
import { checkSuccession, type VerifyCheck } from "../verify/succession.ts";

/** The format this command reads (core spells it only inside StreamAnswerSchema). */
export const STREAM_ANSWER_VERSION = "otledger.stream-answer/1";

export type QueryCheck = StreamCheck | VerifyCheck;
export type AnswerSubject = {
  device: string; stream: string; window: { from: string; to: string }; records: number; firstSeq: number | null; lastSeq: number | null;
  before: number | null; after: number | null; truncated: boolean; checkpoint: number; treeSize: number; chainId: number; contract: string; proofHashes: number;
};
export type AnswerOutcome = {
  exitCode: 0 | 1;
  ok: boolean;
  checks: QueryCheck[];
  proven: StreamAnswerResult["proven"];
  subject: AnswerSubject | null;
  succession: Succession | null;
};

// Facts that claim nothing: used only when the answer fails its schema, where the verifier stops at that check.
const NO_FACTS = { chainId: 1, contract: "0x" + "0".repeat(40), checkpoint: null, firstCovering: null, device: { registered: false, revoked: false, revokedAtCheckpoint: 0, role: "device" as const } };

export function subjectOf(a: StreamAnswer): AnswerSubject {
  const seq = (e: { record: { header: { streamSeq: number } } } | null | undefined) => e?.record.header.streamSeq ?? null;
  return {
    device: a.device, stream: a.stream.name, window: a.window, records: a.records.length, firstSeq: seq(a.records[0]), lastSeq: seq(a.records.at(-1)),
    before: seq(a.before), after: seq(a.after), truncated: a.truncated, checkpoint: a.anchor.checkpointIndex, treeSize: a.anchor.treeSize,
    chainId: a.anchor.chainId, contract: a.anchor.contract, proofHashes: a.proof.length,
  };
}

/** A file that is not a stream answer at all (not JSON, another format) is a usage error; a broken stream answer is invalid. */
export function asStreamAnswerCandidate(raw: unknown, what: string): unknown {
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof raw !== "object" || raw === null || version !== STREAM_ANSWER_VERSION) {
    throw new InputError("input_format", `${what} is not a stream answer (expected "version": "${STREAM_ANSWER_VERSION}", found ${JSON.stringify(version ?? null)})`);
  }
  return raw;
}

/** Verifies a parsed answer with an open reader (the contract the partner trusts). Chain read failures throw ChainError. */
export async function verifyAnswerWith(reader: LedgerAnchorReader, raw: unknown): Promise<AnswerOutcome> {
  const parsed = StreamAnswerSchema.safeParse(raw);
  if (!parsed.success) {
    const r = verifyStreamAnswer(raw, NO_FACTS);
    return { exitCode: 1, ok: false, checks: r.checks, proven: null, subject: null, succession: null };
  }
  const a = parsed.data;
  const [facts, succession] = await Promise.all([readSubjectFacts(reader, streamChainFactsQuery(a)), reader.succession()]);
  const r = verifyStreamAnswer(a, facts);
  const checks: QueryCheck[] = [...r.checks, checkSuccession(reader.contract, succession, [{ what: "answer", checkpointIndex: a.anchor.checkpointIndex }])];
  const ok = checks.every((c) => c.ok);
  return { exitCode: ok ? 0 : 1, ok, checks, proven: ok ? r.proven : null, subject: subjectOf(a), succession };
}

/**
 * Connects to the LedgerAnchor to trust: `contract` when the partner pins one, else the one the answer names, on
 * the chain the answer names. A wrong chain, no contract, or a contract that is not LedgerAnchor throw ChainError
 * (exit 2): the answer cannot be judged against that chain. A pinned contract that the answer does not name is a
 * contract_mismatch (exit 1).
 */
export async function connectForAnswer(rpc: string, raw: unknown, contract?: string): Promise<LedgerAnchorReader> {
  const anchor = (raw as { anchor?: { chainId?: unknown; contract?: unknown } }).anchor;
  const target = contract ?? (typeof anchor?.contract === "string" ? anchor.contract : undefined);
  if (target === undefined) throw new InputError("input_format", "the answer names no anchor.contract: pass --contract");
  const expectedChainId = typeof anchor?.chainId === "number" ? anchor.chainId : undefined;
  return connectLedgerAnchor(rpc, target, { expectedChainId });
}

/** Throws InputError (unreadable or not a stream answer) or ChainError (chain unusable): both are exit code 2. */
export async function verifyQueryFile(path: string, rpc: string, contract?: string): Promise<AnswerOutcome> {
  const raw = asStreamAnswerCandidate(await readJson(path), path);
  const reader = await connectForAnswer(rpc, raw, contract);
  try {
    return await verifyAnswerWith(reader, raw);
  } finally {
    reader.close();
  }
}
