// Envelope proof (PROTOCOL §11.1): one signed envelope's record hashes as a contiguous run of log leaves, with a
// range proof against an anchored checkpoint. It carries hashes only; a holder of the records checks they hash to
// recordHashes, in order.
import { z } from "zod";
import { rootFromRangeProof } from "./merkle-range.ts";
import { AddressSchema, Hex32Schema, SignatureSchema, toHex32 } from "./hex.ts";
import {
  checkAnchorTx, checkChainId, checkCheckpoint, checkContract, checkDeviceRegistered, checkLogSize, checkNotRevoked, checkSignature,
  errorText, fail, pass, type CheckV2,
} from "./checks.ts";
import { EnvelopeHeaderSchema, MAX_ENVELOPE_RECORDS, recordsRoot } from "./envelope.ts";
import { ChainFactsV2Schema, type ChainFactsV2 } from "./facts.ts";

export const ENVELOPE_PROOF_VERSION_V2 = "otledger.envelope-proof/2";
const uint = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const EnvelopeProofV2Schema = z.strictObject({
  version: z.literal(ENVELOPE_PROOF_VERSION_V2),
  header: EnvelopeHeaderSchema,
  signature: SignatureSchema,
  /** The envelope's record hashes in seq order: the leaves [log.firstIndex, log.firstIndex + header.count). */
  recordHashes: z.array(Hex32Schema).min(1).max(MAX_ENVELOPE_RECORDS),
  log: z.strictObject({
    firstIndex: uint(),
    treeSize: uint().min(1),
    /** Range proof of recordHashes at firstIndex in the log of treeSize leaves: at most 2 per level. */
    proof: z.array(Hex32Schema).max(128),
  }),
  anchor: z.strictObject({
    chainId: uint().min(1), contract: AddressSchema, checkpointIndex: uint(), treeSize: uint().min(1),
    root: Hex32Schema, txHash: Hex32Schema, blockNumber: uint(),
  }),
});
export type EnvelopeProofV2 = z.infer<typeof EnvelopeProofV2Schema>;

export const ENVELOPE_PROOF_CHECKS_V2 = [
  "schema", "envelope_count", "envelope_root", "envelope_last_hash", "signature", "chain_id", "contract", "checkpoint",
  "anchor_tx", "log_size", "log_range_inclusion", "device_registered", "device_not_revoked",
] as const;
export type EnvelopeProofV2Result = { ok: boolean; checks: CheckV2[] };

/** What to read from the chain: the revocation rule uses the first checkpoint covering the envelope's last leaf. */
export function envelopeChainFactsQueryV2(p: EnvelopeProofV2) {
  return {
    chainId: p.anchor.chainId, contract: p.anchor.contract, checkpointIndex: p.anchor.checkpointIndex,
    leafIndex: p.log.firstIndex + p.recordHashes.length - 1, device: p.header.device, txHash: p.anchor.txHash,
  };
}

/** Every check of PROTOCOL §11.1 in order; a proof or facts that do not parse yield only the failed schema check. */
export function verifyEnvelopeProofV2(proof: unknown, chainFacts: ChainFactsV2): EnvelopeProofV2Result {
  const parsed = EnvelopeProofV2Schema.safeParse(proof);
  const facts = ChainFactsV2Schema.safeParse(chainFacts);
  if (!parsed.success || !facts.success) {
    const issue = (parsed.success ? facts.error : parsed.error)!.issues[0];
    const path = [parsed.success ? "chainFacts" : "proof", ...(issue?.path ?? [])].join(".");
    return { ok: false, checks: [fail("schema", "envelope_proof_schema", `${path}: ${issue?.message ?? "invalid"}`, undefined, path)] };
  }
  const p = parsed.data, f = facts.data, h = p.header, a = p.anchor;
  const root = recordsRoot(p.recordHashes), target = f.checkpoint?.root ?? a.root;
  let range: { root: string } | { error: string };
  try {
    range = { root: toHex32(rootFromRangeProof(p.log.firstIndex, p.recordHashes, p.log.treeSize, p.log.proof)) };
  } catch (err) {
    range = { error: errorText(err) };
  }
  const checks: CheckV2[] = [
    pass("schema"),
    p.recordHashes.length === h.count ? pass("envelope_count") : fail("envelope_count", "envelope_count_mismatch", "recordHashes has not header.count hashes", h.count, p.recordHashes.length),
    root === h.recordsRoot ? pass("envelope_root") : fail("envelope_root", "envelope_root_mismatch", "recordHashes do not lead to header.recordsRoot", h.recordsRoot, root),
    p.recordHashes.at(-1) === h.lastHash ? pass("envelope_last_hash") : fail("envelope_last_hash", "envelope_last_hash_mismatch", "the last record hash differs from header.lastHash", h.lastHash, p.recordHashes.at(-1)),
    checkSignature(h, p.signature, f),
    checkChainId(a, f),
    checkContract(a, f),
    checkCheckpoint(a, f),
    checkAnchorTx(a, f),
    checkLogSize(p.log.treeSize, a),
    "error" in range ? fail("log_range_inclusion", "log_proof_malformed", range.error)
      : range.root === target ? pass("log_range_inclusion") : fail("log_range_inclusion", "log_root_mismatch", "the range proof does not lead to the checkpoint root", target, range.root),
    checkDeviceRegistered(h.device, f),
    checkNotRevoked(p.log.firstIndex + p.recordHashes.length - 1, a, f),
  ];
  return { ok: checks.every((c) => c.ok), checks };
}
