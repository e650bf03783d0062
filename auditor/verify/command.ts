// `otledger verify <bundle.json>`: one proof bundle, checked with core's verifyBundle against facts read from the chain.
import { readFile } from "node:fs/promises";
import { BundleSchema, verifyBundle, type Check, type VerifyResult } from "../../core/index.ts";
import { ChainError, connectLedgerAnchor } from "../chain-facts.ts";
import { InputError } from "../format/input-error.ts";
import { readChainFacts } from "./read-facts.ts";

export type VerifyOutcome = {
  exitCode: 0 | 1;
  result: VerifyResult;
  /** Set when the chain named by the bundle cannot be the bundle's chain (wrong chain id, no LedgerAnchor there). */
  chainError?: { code: string; message: string; expected?: unknown; computed?: unknown };
  subject?: { device: string; seq: number; logIndex: number; checkpoint: number; chainId: number; contract: string };
};

async function readJson(path: string): Promise<unknown> {
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

// Facts that make no claim: used only when the bundle fails its schema, where verifyBundle stops at that check.
const NO_FACTS = { chainId: 1, contract: "0x" + "0".repeat(40), checkpoint: null, firstCovering: null, device: { registered: false, revoked: false, revokedAtCheckpoint: 0 } };

/** Throws InputError (unreadable file) or ChainError("chain_unreachable"): both are exit code 2. */
export async function verifyBundleFile(path: string, rpc: string): Promise<VerifyOutcome> {
  return verifyBundleObject(await readJson(path), rpc);
}

/** Verifies an already parsed JSON value as a proof bundle, reading its chain facts over `rpc`. */
export async function verifyBundleObject(raw: unknown, rpc: string): Promise<VerifyOutcome> {
  const parsed = BundleSchema.safeParse(raw);
  if (!parsed.success) {
    const result = verifyBundle(raw, NO_FACTS);
    return { exitCode: 1, result };
  }
  const b = parsed.data;
  const subject = { device: b.record.device, seq: b.record.seq, logIndex: b.log.index, checkpoint: b.anchor.checkpointIndex, chainId: b.anchor.chainId, contract: b.anchor.contract };
  let reader;
  try {
    reader = await connectLedgerAnchor(rpc, b.anchor.contract, { expectedChainId: b.anchor.chainId });
  } catch (err) {
    if (!(err instanceof ChainError) || err.code === "chain_unreachable" || err.code === "chain_read_failed") throw err;
    const check: Check = { name: err.code === "chain_id_mismatch" ? "chain_id" : "contract", ok: false,
      code: err.code === "chain_id_mismatch" ? "chain_id_mismatch" : "contract_mismatch", message: err.message, expected: err.expected, computed: err.computed };
    return { exitCode: 1, result: { ok: false, checks: [{ name: "schema", ok: true }, check] }, subject,
      chainError: { code: err.code, message: err.message, expected: err.expected, computed: err.computed } };
  }
  try {
    const result = verifyBundle(b, await readChainFacts(reader, b));
    return { exitCode: result.ok ? 0 : 1, result, subject };
  } finally {
    reader.close();
  }
}

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));

/** The human form: one line per check, ✓ or ✗, and on failure the evidence. */
export function formatVerifyOutcome(path: string, o: VerifyOutcome): string {
  const out = [`otledger verify ${path}`];
  const s = o.subject;
  if (s) out.push(`  record seq ${s.seq} of device ${s.device}, log index ${s.logIndex}, checkpoint ${s.checkpoint} of LedgerAnchor ${s.contract} on chain ${s.chainId}`);
  for (const c of o.result.checks) {
    if (c.ok) out.push(`  ✓ ${c.name}${c.skipped ? ` (not checked: ${c.message ?? "no facts"})` : c.message ? ` (${c.message})` : ""}`);
    else {
      out.push(`  ✗ ${c.name}: ${c.code}${c.message ? ` — ${c.message}` : ""}`);
      if (c.expected !== undefined) out.push(`      expected: ${show(c.expected)}`);
      if (c.computed !== undefined) out.push(`      computed: ${show(c.computed)}`);
    }
  }
  const failed = o.result.checks.filter((c) => !c.ok).length;
  out.push(o.result.ok ? "VALID: every check passed" : `INVALID: ${failed} check${failed === 1 ? "" : "s"} failed`);
  return out.join("\n");
}

export function verifyOutcomeJson(path: string, o: VerifyOutcome): string {
  return JSON.stringify({ bundle: path, valid: o.result.ok, subject: o.subject ?? null, checks: o.result.checks, chainError: o.chainError ?? null },
    (_k, x) => (typeof x === "bigint" ? x.toString() : x), 2);
}
