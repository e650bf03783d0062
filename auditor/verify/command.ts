// `otledger verify <file.json>`: one proof bundle (otledger.bundle/2) or envelope proof (otledger.envelope-proof/2),
// checked with core's verifyBundleV2 / verifyEnvelopeProofV2 against facts read from LedgerAnchor v2, plus the
// auditor's succession check (a retired contract's checkpoints past lastValidCheckpoint are not trusted).
import { readFile } from "node:fs/promises";
import {
  BundleV2Schema, chainFactsQueryV2, ENVELOPE_PROOF_VERSION_V2, envelopeChainFactsQueryV2, EnvelopeProofV2Schema, verifyBundleV2,
  verifyEnvelopeProofV2, type ChainFactsV2, type RecordOpenings,
} from "../../core/index.ts";
import { ChainError, connectLedgerAnchor, type LedgerAnchorReader, type Succession } from "../../sdk/ledger-anchor.ts";
import { InputError } from "../format/input-error.ts";
import { readChainFactsV2 } from "../../sdk/chain-facts.ts";
import { checkSuccession, type VerifyCheck } from "./succession.ts";

export type VerifyResultV2 = { ok: boolean; checks: VerifyCheck[]; openings?: RecordOpenings | null };
export type VerifySubject =
  | { kind: "record"; device: string; seq: number; recordKind: string; logIndex: number; checkpoint: number; chainId: number; contract: string; erasure: { device: string; seq: number; logIndex: number; checkpoint: number } | null }
  | { kind: "envelope"; device: string; firstSeq: number; count: number; logFirstIndex: number; checkpoint: number; chainId: number; contract: string };

export type VerifyOutcome = {
  exitCode: 0 | 1;
  result: VerifyResultV2;
  /** Set when the chain named by the file cannot be its chain (wrong chain id, no LedgerAnchor there). */
  chainError?: { code: string; message: string; expected?: unknown; computed?: unknown };
  /** Where to look next when the contract was retired (LedgerAnchor v2 successor()). */
  succession?: Succession | null;
  subject?: VerifySubject;
};

export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? "input_not_found" : "input_unreadable", `cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError("input_format", `${path} is not JSON: ${(err as Error).message}`);
  }
}

// Facts that make no claim: used only when the file fails its schema, where the verifiers stop at that check.
const NO_FACTS: ChainFactsV2 = { chainId: 1, contract: "0x" + "0".repeat(40), checkpoint: null, firstCovering: null, device: { registered: false, revoked: false, revokedAtCheckpoint: 0, role: "device" } };

/** Throws InputError (unreadable file) or ChainError("chain_unreachable"): both are exit code 2. */
export async function verifyBundleFile(path: string, rpc: string): Promise<VerifyOutcome> {
  return verifyBundleObject(await readJson(path), rpc);
}

const isEnvelopeProof = (raw: unknown) => (raw as { version?: unknown } | null)?.version === ENVELOPE_PROOF_VERSION_V2;

/** Connects to the file's LedgerAnchor; a wrong chain or contract becomes a failed outcome, not a throw. */
async function connectFor(rpc: string, anchor: { chainId: number; contract: string }, subject: VerifySubject): Promise<LedgerAnchorReader | VerifyOutcome> {
  try {
    return await connectLedgerAnchor(rpc, anchor.contract, { expectedChainId: anchor.chainId });
  } catch (err) {
    if (!(err instanceof ChainError) || err.code === "chain_unreachable" || err.code === "chain_read_failed") throw err;
    const check: VerifyCheck = { name: err.code === "chain_id_mismatch" ? "chain_id" : "contract", ok: false,
      code: err.code === "chain_id_mismatch" ? "chain_id_mismatch" : "contract_mismatch", message: err.message, expected: err.expected, computed: err.computed };
    return { exitCode: 1, result: { ok: false, checks: [{ name: "schema", ok: true }, check] }, subject,
      chainError: { code: err.code, message: err.message, expected: err.expected, computed: err.computed } };
  }
}

/** Verifies an already parsed JSON value as a proof bundle or an envelope proof, reading its chain facts over `rpc`. */
export async function verifyBundleObject(raw: unknown, rpc: string): Promise<VerifyOutcome> {
  return isEnvelopeProof(raw) ? verifyEnvelopeProofObject(raw, rpc) : verifyRecordBundle(raw, rpc);
}

async function verifyRecordBundle(raw: unknown, rpc: string): Promise<VerifyOutcome> {
  const parsed = BundleV2Schema.safeParse(raw);
  if (!parsed.success) return { exitCode: 1, result: verifyBundleV2(raw, NO_FACTS) };
  const b = parsed.data, h = b.record.header, e = b.erasure;
  const subject: VerifySubject = { kind: "record", device: h.device, seq: h.seq, recordKind: h.kind, logIndex: b.log.index, checkpoint: b.anchor.checkpointIndex,
    chainId: b.anchor.chainId, contract: b.anchor.contract,
    erasure: e ? { device: e.record.header.device, seq: e.record.header.seq, logIndex: e.log.index, checkpoint: e.anchor.checkpointIndex } : null };
  const reader = await connectFor(rpc, b.anchor, subject);
  if (!("provider" in reader)) return reader;
  try {
    const [facts, succession] = await Promise.all([readChainFactsV2(reader, chainFactsQueryV2(b)), reader.succession()]);
    const core = verifyBundleV2(b, facts);
    const anchored = [{ what: "record", checkpointIndex: b.anchor.checkpointIndex }, ...(e ? [{ what: "erasure record", checkpointIndex: e.anchor.checkpointIndex }] : [])];
    const checks: VerifyCheck[] = [...core.checks, checkSuccession(reader.contract, succession, anchored)];
    const ok = checks.every((c) => c.ok);
    return { exitCode: ok ? 0 : 1, result: { ok, openings: core.openings, checks }, subject, succession };
  } finally {
    reader.close();
  }
}

async function verifyEnvelopeProofObject(raw: unknown, rpc: string): Promise<VerifyOutcome> {
  const parsed = EnvelopeProofV2Schema.safeParse(raw);
  if (!parsed.success) return { exitCode: 1, result: verifyEnvelopeProofV2(raw, NO_FACTS) };
  const p = parsed.data;
  const subject: VerifySubject = { kind: "envelope", device: p.header.device, firstSeq: p.header.firstSeq, count: p.header.count, logFirstIndex: p.log.firstIndex,
    checkpoint: p.anchor.checkpointIndex, chainId: p.anchor.chainId, contract: p.anchor.contract };
  const reader = await connectFor(rpc, p.anchor, subject);
  if (!("provider" in reader)) return reader;
  try {
    const [facts, succession] = await Promise.all([readChainFactsV2(reader, envelopeChainFactsQueryV2(p)), reader.succession()]);
    const checks: VerifyCheck[] = [...verifyEnvelopeProofV2(p, facts).checks, checkSuccession(reader.contract, succession, [{ what: "envelope", checkpointIndex: p.anchor.checkpointIndex }])];
    const ok = checks.every((c) => c.ok);
    return { exitCode: ok ? 0 : 1, result: { ok, checks }, subject, succession };
  } finally {
    reader.close();
  }
}

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));

/** What a reader of the record can open, in words (PROTOCOL §11 "Openings"). */
const OPENINGS_TEXT: Record<RecordOpenings, string> = {
  full: "full — every opening (body, and for events the personal fields) verifies",
  personal_erased: "personal_erased — the body verifies; the event's personal opening is absent",
  erased: "erased — a stub whose body was erased, with valid erasure evidence",
  stub: "stub — header only, the body was withheld or is missing (no erasure evidence)",
};

function subjectLine(s: VerifySubject): string[] {
  if (s.kind === "envelope") {
    return [`  envelope of device ${s.device}, seq ${s.firstSeq}…${s.firstSeq + s.count - 1}, log indices [${s.logFirstIndex}, ${s.logFirstIndex + s.count}), checkpoint ${s.checkpoint} of LedgerAnchor ${s.contract} on chain ${s.chainId}`];
  }
  const out = [`  ${s.recordKind} record seq ${s.seq} of device ${s.device}, log index ${s.logIndex}, checkpoint ${s.checkpoint} of LedgerAnchor ${s.contract} on chain ${s.chainId}`];
  if (s.erasure) out.push(`  erasure record seq ${s.erasure.seq} of ${s.erasure.device}, log index ${s.erasure.logIndex}, checkpoint ${s.erasure.checkpoint}`);
  return out;
}

/** The human form: one line per check, ✓ or ✗, and on failure the evidence; the openings; where to look next. */
export function formatVerifyOutcome(path: string, o: VerifyOutcome): string {
  const out = [`otledger verify ${path}`];
  if (o.subject) out.push(...subjectLine(o.subject));
  for (const c of o.result.checks) {
    if (c.ok) out.push(`  ✓ ${c.name}${c.skipped ? ` (not checked: ${c.message ?? "no facts"})` : c.message ? ` (${c.message})` : ""}`);
    else {
      out.push(`  ✗ ${c.name}: ${c.code}${c.message ? ` — ${c.message}` : ""}`);
      if (c.expected !== undefined) out.push(`      expected: ${show(c.expected)}`);
      if (c.computed !== undefined) out.push(`      computed: ${show(c.computed)}`);
    }
  }
  if (o.result.openings) out.push(`  openings: ${OPENINGS_TEXT[o.result.openings]}`);
  if (o.succession) out.push(`  successor: LedgerAnchor ${o.succession.successor} continues this ledger after checkpoint ${o.succession.lastValidCheckpoint}`);
  const failed = o.result.checks.filter((c) => !c.ok).length;
  out.push(o.result.ok ? "VALID: every check passed" : `INVALID: ${failed} check${failed === 1 ? "" : "s"} failed`);
  return out.join("\n");
}

export function verifyOutcomeJson(path: string, o: VerifyOutcome): string {
  return JSON.stringify({ file: path, bundle: path, valid: o.result.ok, openings: o.result.openings ?? null, subject: o.subject ?? null, checks: o.result.checks,
    successor: o.succession ?? null, chainError: o.chainError ?? null }, (_k, x) => (typeof x === "bigint" ? x.toString() : x), 2);
}
