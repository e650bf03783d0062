// Envelope proof v1 (docs/PROTOCOL.md §10.1): one signed envelope's record hashes as a contiguous run of log
// leaves, with a range proof (§7.1) against an anchored checkpoint. It proves every record of the envelope at
// once; a holder of the records (the edge that signed them) checks their hashes against `recordHashes`.
import { z } from "zod";
import { ChainFactsSchema, type ChainFacts } from "./bundle.ts";
import { EnvelopeHeaderSchema, MAX_ENVELOPE_RECORDS, envelopeDomain, recordsRoot, recoverEnvelopeSigner } from "./envelope.ts";
import { OtledgerError } from "./errors.ts";
import { AddressSchema, Hex32Schema, SignatureSchema, toHex32 } from "./hex.ts";
import { rootFromRangeProof } from "./merkle-range.ts";

export const ENVELOPE_PROOF_VERSION = "otledger.envelope-proof/1";
const uint = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const EnvelopeProofSchema = z.strictObject({
  version: z.literal(ENVELOPE_PROOF_VERSION),
  header: EnvelopeHeaderSchema,
  signature: SignatureSchema,
  /** The envelope's record hashes in seq order: the leaves [log.firstIndex, log.firstIndex + header.count). */
  recordHashes: z.array(Hex32Schema).min(1).max(MAX_ENVELOPE_RECORDS),
  log: z.strictObject({
    firstIndex: uint(),
    treeSize: uint().min(1),
    /** Range proof (§7.1) of recordHashes at firstIndex in the log of treeSize leaves: at most 2 per level. */
    proof: z.array(Hex32Schema).max(128),
  }),
  anchor: z.strictObject({
    chainId: uint().min(1), contract: AddressSchema, checkpointIndex: uint(), treeSize: uint().min(1),
    root: Hex32Schema, txHash: Hex32Schema, blockNumber: uint(),
  }),
});
export type EnvelopeProof = z.infer<typeof EnvelopeProofSchema>;

export const ENVELOPE_PROOF_CHECKS = [
  "schema", "envelope_count", "envelope_root", "envelope_last_hash", "signature", "chain_id", "contract", "checkpoint",
  "anchor_tx", "log_size", "log_range_inclusion", "device_registered", "device_not_revoked",
] as const;
export type EnvelopeProofCheckName = (typeof ENVELOPE_PROOF_CHECKS)[number];
export type EnvelopeProofCheckCode =
  | "envelope_proof_schema" | "envelope_count_mismatch" | "envelope_root_mismatch" | "envelope_last_hash_mismatch"
  | "signature_invalid" | "signature_signer_mismatch" | "chain_id_mismatch" | "contract_mismatch"
  | "checkpoint_missing" | "checkpoint_index_mismatch" | "checkpoint_size_mismatch" | "checkpoint_root_mismatch" | "checkpoint_block_mismatch"
  | "anchor_tx_missing" | "anchor_tx_mismatch" | "log_size_mismatch" | "log_proof_malformed" | "log_root_mismatch"
  | "device_facts_mismatch" | "device_not_registered" | "record_not_anchored" | "first_covering_invalid" | "device_revoked";
export type EnvelopeProofCheck = {
  name: EnvelopeProofCheckName; ok: boolean; code?: EnvelopeProofCheckCode; expected?: unknown; computed?: unknown; message?: string; skipped?: boolean;
};
export type EnvelopeProofResult = { ok: boolean; checks: EnvelopeProofCheck[] };

/** What to read from the chain for an envelope proof: the revocation rule uses the first checkpoint covering its last leaf. */
export function envelopeChainFactsQuery(p: EnvelopeProof) {
  return {
    chainId: p.anchor.chainId, contract: p.anchor.contract, checkpointIndex: p.anchor.checkpointIndex,
    leafIndex: p.log.firstIndex + p.recordHashes.length - 1, device: p.header.device, txHash: p.anchor.txHash,
  };
}

type Name = EnvelopeProofCheckName;
type Code = EnvelopeProofCheckCode;
const pass = (name: Name, message?: string): EnvelopeProofCheck => (message === undefined ? { name, ok: true } : { name, ok: true, message });
const fail = (name: Name, code: Code, message: string, expected?: unknown, computed?: unknown): EnvelopeProofCheck => ({ name, ok: false, code, message, expected, computed });
const same = (a: number | bigint, b: number | bigint) => BigInt(a) === BigInt(b);
const str = (x: number | bigint) => String(x);

/**
 * Runs every check of docs/PROTOCOL.md §10.1 against facts read from the chain (ChainFacts, with firstCovering
 * for the envelope's last leaf). A proof or facts that do not parse yield only the failed `schema` check.
 */
export function verifyEnvelopeProof(proof: unknown, chainFacts: ChainFacts): EnvelopeProofResult {
  const parsed = EnvelopeProofSchema.safeParse(proof);
  const facts = ChainFactsSchema.safeParse(chainFacts);
  if (!parsed.success || !facts.success) {
    const issue = (parsed.success ? facts.error : parsed.error)!.issues[0];
    const path = [parsed.success ? "chainFacts" : "proof", ...(issue?.path ?? [])].join(".");
    return { ok: false, checks: [fail("schema", "envelope_proof_schema", `${path}: ${issue?.message ?? "invalid"}`, undefined, path)] };
  }
  const p = parsed.data, f = facts.data, h = p.header, a = p.anchor, c = f.checkpoint;
  const lastIndex = p.log.firstIndex + p.recordHashes.length - 1;
  const checks: EnvelopeProofCheck[] = [{ name: "schema", ok: true }];

  checks.push(p.recordHashes.length === h.count ? pass("envelope_count")
    : fail("envelope_count", "envelope_count_mismatch", "recordHashes has not header.count hashes", h.count, p.recordHashes.length));
  const root = recordsRoot(p.recordHashes);
  checks.push(root === h.recordsRoot ? pass("envelope_root")
    : fail("envelope_root", "envelope_root_mismatch", "recordHashes do not lead to header.recordsRoot", h.recordsRoot, root));
  checks.push(p.recordHashes.at(-1) === h.lastHash ? pass("envelope_last_hash")
    : fail("envelope_last_hash", "envelope_last_hash_mismatch", "the last record hash differs from header.lastHash", h.lastHash, p.recordHashes.at(-1)));
  checks.push(checkSignature(p, f.chainId, f.contract));
  checks.push(same(a.chainId, f.chainId) ? pass("chain_id") : fail("chain_id", "chain_id_mismatch", "the proof names another chain", str(f.chainId), a.chainId));
  checks.push(a.contract === f.contract ? pass("contract") : fail("contract", "contract_mismatch", "the proof names another LedgerAnchor contract", f.contract, a.contract));

  if (c === null) checks.push(fail("checkpoint", "checkpoint_missing", `the chain has no checkpoint ${a.checkpointIndex}`, "a checkpoint", null));
  else if (!same(c.index, a.checkpointIndex)) checks.push(fail("checkpoint", "checkpoint_index_mismatch", "facts were read for another checkpoint", a.checkpointIndex, str(c.index)));
  else if (!same(c.treeSize, a.treeSize)) checks.push(fail("checkpoint", "checkpoint_size_mismatch", "anchored tree size differs", str(c.treeSize), a.treeSize));
  else if (c.root !== a.root) checks.push(fail("checkpoint", "checkpoint_root_mismatch", "anchored root differs", c.root, a.root));
  else if (c.blockNumber !== undefined && !same(c.blockNumber, a.blockNumber)) checks.push(fail("checkpoint", "checkpoint_block_mismatch", "checkpoint was anchored in another block", str(c.blockNumber), a.blockNumber));
  else checks.push(pass("checkpoint"));

  const t = f.anchorTx;
  if (t === undefined) checks.push({ name: "anchor_tx", ok: true, skipped: true, message: "no receipt facts given: txHash not checked" });
  else if (t === null) checks.push(fail("anchor_tx", "anchor_tx_missing", "no CheckpointAnchored event in the receipt of anchor.txHash", "a receipt", null));
  else if (t.txHash !== a.txHash || !same(t.checkpointIndex, a.checkpointIndex) || !same(t.blockNumber, a.blockNumber)) {
    checks.push(fail("anchor_tx", "anchor_tx_mismatch", "the anchoring transaction does not match the proof", { txHash: t.txHash, checkpointIndex: str(t.checkpointIndex), blockNumber: str(t.blockNumber) }, { txHash: a.txHash, checkpointIndex: a.checkpointIndex, blockNumber: a.blockNumber }));
  } else checks.push(pass("anchor_tx"));

  checks.push(p.log.treeSize === a.treeSize ? pass("log_size") : fail("log_size", "log_size_mismatch", "the range proof is for another tree size than the checkpoint", a.treeSize, p.log.treeSize));
  checks.push(checkRange(p, c?.root ?? a.root));

  const d = f.device;
  if (d.address !== undefined && d.address !== h.device) checks.push(fail("device_registered", "device_facts_mismatch", "device facts were read for another address", h.device, d.address));
  else checks.push(d.registered ? pass("device_registered") : fail("device_registered", "device_not_registered", "the device is not registered in LedgerAnchor", true, false));

  const cov = f.firstCovering;
  if (cov === null) checks.push(fail("device_not_revoked", "record_not_anchored", `no checkpoint covers log index ${lastIndex}`, "a covering checkpoint", null));
  else if (BigInt(cov.treeSize) <= BigInt(lastIndex) || BigInt(cov.index) > BigInt(a.checkpointIndex)) {
    checks.push(fail("device_not_revoked", "first_covering_invalid", "the first covering checkpoint does not cover the envelope or comes after the proof's", { coversIndex: lastIndex, atMost: a.checkpointIndex }, { index: str(cov.index), treeSize: str(cov.treeSize) }));
  } else if (!d.revoked) checks.push(pass("device_not_revoked"));
  else if (BigInt(cov.index) < BigInt(d.revokedAtCheckpoint)) checks.push(pass("device_not_revoked", "revoked after the envelope was first anchored"));
  else checks.push(fail("device_not_revoked", "device_revoked", "the device was revoked before a checkpoint first covered the envelope", `first covering checkpoint < ${str(d.revokedAtCheckpoint)}`, str(cov.index)));
  return { ok: checks.every((x) => x.ok), checks };
}

/** The signature is checked under the domain of the real chain and contract (from the facts, not the proof). */
function checkSignature(p: EnvelopeProof, chainId: number | bigint, contract: string): EnvelopeProofCheck {
  let signer: string;
  try {
    signer = recoverEnvelopeSigner(p.header, p.signature, envelopeDomain(BigInt(chainId), contract));
  } catch (err) {
    return fail("signature", "signature_invalid", (err as Error).message);
  }
  return signer === p.header.device ? pass("signature") : fail("signature", "signature_signer_mismatch", "the envelope signature was not made by header.device", p.header.device, signer);
}

/** Range inclusion against the on-chain root when the chain has the checkpoint, else against the proof's. */
function checkRange(p: EnvelopeProof, target: string): EnvelopeProofCheck {
  let root: string;
  try {
    root = toHex32(rootFromRangeProof(p.log.firstIndex, p.recordHashes, p.log.treeSize, p.log.proof));
  } catch (err) {
    return fail("log_range_inclusion", "log_proof_malformed", err instanceof OtledgerError ? `${err.code}: ${err.message}` : String(err));
  }
  return root === target ? pass("log_range_inclusion") : fail("log_range_inclusion", "log_root_mismatch", "the range proof does not lead to the checkpoint root", target, root);
}
