// The checks shared by verifyBundleV2 and verifyEnvelopeProofV2: signature, anchor against chain facts, log size,
// device registration and the revocation rule (PROTOCOL §11). Each takes only the fields it judges.
import { OtledgerError } from "./errors.ts";
import { toHex32 } from "./hex.ts";
import { rootFromInclusionProof } from "./merkle-verify.ts";
import { envelopeDomainV2, recoverEnvelopeSignerV2, type EnvelopeHeader } from "./envelope.ts";
import type { ParsedSubjectFactsV2 as Facts } from "./facts.ts";
import type { Kind } from "./header.ts";

export type CheckNameV2 =
  | "schema" | "record_hash" | "record_openings" | "envelope_device" | "envelope_seq" | "envelope_inclusion" | "envelope_count" | "envelope_root"
  | "envelope_last_hash" | "signature" | "chain_id" | "contract" | "checkpoint" | "anchor_tx" | "log_size" | "log_inclusion" | "log_range_inclusion"
  | "device_registered" | "device_not_revoked" | "erasure";

export type CheckCodeV2 =
  | "bundle_schema" | "envelope_proof_schema" | "record_hash_mismatch"
  | "body_commitment_mismatch" | "personal_commitment_mismatch" | "stream_id_mismatch" | "stream_kind_mismatch" | "series_time_mismatch"
  | "envelope_device_mismatch" | "envelope_seq_mismatch" | "envelope_proof_malformed" | "envelope_count_mismatch" | "envelope_root_mismatch" | "envelope_last_hash_mismatch"
  | "signature_invalid" | "signature_signer_mismatch" | "chain_id_mismatch" | "contract_mismatch"
  | "checkpoint_missing" | "checkpoint_index_mismatch" | "checkpoint_size_mismatch" | "checkpoint_root_mismatch" | "checkpoint_block_mismatch"
  | "anchor_tx_missing" | "anchor_tx_mismatch" | "log_size_mismatch" | "log_proof_malformed" | "log_root_mismatch"
  | "device_facts_mismatch" | "device_not_registered" | "device_role_mismatch" | "record_not_anchored" | "first_covering_invalid" | "device_revoked"
  | "erasure_facts_missing" | "erasure_kind_mismatch" | "erasure_target_mismatch" | "erasure_scope_mismatch" | "erasure_log_mismatch"
  | "erasure_not_later" | "erasure_signer_not_service" | "erasure_invalid";

export type CheckV2 = { name: CheckNameV2; ok: boolean; code?: CheckCodeV2; expected?: unknown; computed?: unknown; message?: string; skipped?: boolean };
export type AnchorV2 = { chainId: number; contract: string; checkpointIndex: number; treeSize: number; root: string; txHash: string; blockNumber: number };

export const pass = (name: CheckNameV2, message?: string): CheckV2 => (message === undefined ? { name, ok: true } : { name, ok: true, message });
export const fail = (name: CheckNameV2, code: CheckCodeV2, message: string, expected?: unknown, computed?: unknown): CheckV2 => ({ name, ok: false, code, message, expected, computed });
const eq = (a: number | bigint, b: number | bigint) => BigInt(a) === BigInt(b);
const str = (x: number | bigint) => String(x);
export const errorText = (err: unknown) => (err instanceof OtledgerError ? `${err.code}: ${err.message}` : String(err));

/** Root from an inclusion proof, or the error that made the proof unusable. */
export function proofRoot(index: number, size: number, leaf: string, proof: string[]): { root: string } | { error: string } {
  try {
    return { root: toHex32(rootFromInclusionProof(index, size, leaf, proof)) };
  } catch (err) {
    return { error: errorText(err) };
  }
}

/** Under the domain of the real chain and contract (from the facts, not from the bundle). */
export function checkSignature(header: EnvelopeHeader, signature: string, f: Facts): CheckV2 {
  let signer: string;
  try {
    signer = recoverEnvelopeSignerV2(header, signature, envelopeDomainV2(BigInt(f.chainId), f.contract));
  } catch (err) {
    return fail("signature", "signature_invalid", (err as Error).message);
  }
  return signer === header.device ? pass("signature") : fail("signature", "signature_signer_mismatch", "the envelope signature was not made by header.device", header.device, signer);
}

export function checkChainId(a: AnchorV2, f: Facts): CheckV2 {
  return eq(a.chainId, f.chainId) ? pass("chain_id") : fail("chain_id", "chain_id_mismatch", "the proof names another chain", str(f.chainId), a.chainId);
}

export function checkContract(a: AnchorV2, f: Facts): CheckV2 {
  return a.contract === f.contract ? pass("contract") : fail("contract", "contract_mismatch", "the proof names another LedgerAnchor contract", f.contract, a.contract);
}

export function checkCheckpoint(a: AnchorV2, f: Facts): CheckV2 {
  const c = f.checkpoint;
  if (c === null) return fail("checkpoint", "checkpoint_missing", `the chain has no checkpoint ${a.checkpointIndex}`, "a checkpoint", null);
  if (!eq(c.index, a.checkpointIndex)) return fail("checkpoint", "checkpoint_index_mismatch", "facts were read for another checkpoint", a.checkpointIndex, str(c.index));
  if (!eq(c.treeSize, a.treeSize)) return fail("checkpoint", "checkpoint_size_mismatch", "anchored tree size differs", str(c.treeSize), a.treeSize);
  if (c.root !== a.root) return fail("checkpoint", "checkpoint_root_mismatch", "anchored root differs", c.root, a.root);
  if (c.blockNumber !== undefined && !eq(c.blockNumber, a.blockNumber)) return fail("checkpoint", "checkpoint_block_mismatch", "checkpoint was anchored in another block", str(c.blockNumber), a.blockNumber);
  return pass("checkpoint");
}

/** anchor_tx compares the receipt's txHash, the checkpoint index of its CheckpointAnchored event and its block number. */
export function checkAnchorTx(a: AnchorV2, f: Facts): CheckV2 {
  const t = f.anchorTx;
  if (t === undefined) return { name: "anchor_tx", ok: true, skipped: true, message: "no receipt facts given: txHash not checked" };
  if (t === null) return fail("anchor_tx", "anchor_tx_missing", "no CheckpointAnchored event in the receipt of anchor.txHash", "a receipt", null);
  if (t.txHash !== a.txHash || !eq(t.checkpointIndex, a.checkpointIndex) || !eq(t.blockNumber, a.blockNumber)) {
    return fail("anchor_tx", "anchor_tx_mismatch", "the anchoring transaction does not match the proof",
      { txHash: t.txHash, checkpointIndex: str(t.checkpointIndex), blockNumber: str(t.blockNumber) }, { txHash: a.txHash, checkpointIndex: a.checkpointIndex, blockNumber: a.blockNumber });
  }
  return pass("anchor_tx");
}

export function checkLogSize(treeSize: number, a: AnchorV2): CheckV2 {
  return treeSize === a.treeSize ? pass("log_size") : fail("log_size", "log_size_mismatch", "the log proof is for another tree size than the checkpoint", a.treeSize, treeSize);
}

/** Registered, facts for this device, and (kind given) access and erasure records come from a SERVICE key. */
export function checkDeviceRegistered(device: string, f: Facts, kind?: Kind): CheckV2 {
  const d = f.device;
  if (d.address !== undefined && d.address !== device) return fail("device_registered", "device_facts_mismatch", "device facts were read for another address", device, d.address);
  if (!d.registered) return fail("device_registered", "device_not_registered", "the device is not registered in LedgerAnchor", true, false);
  if ((kind === "access" || kind === "erasure") && d.role !== "service") return fail("device_registered", "device_role_mismatch", `${kind} records are signed by a service key`, "service", d.role);
  return pass("device_registered");
}

/** Revocation rule: valid iff not revoked, or the first checkpoint covering leafIndex precedes the revocation. */
export function checkNotRevoked(leafIndex: number, a: AnchorV2, f: Facts): CheckV2 {
  const c = f.firstCovering, d = f.device;
  if (c === null) return fail("device_not_revoked", "record_not_anchored", `no checkpoint covers log index ${leafIndex}`, "a covering checkpoint", null);
  if (BigInt(c.treeSize) <= BigInt(leafIndex) || BigInt(c.index) > BigInt(a.checkpointIndex)) {
    return fail("device_not_revoked", "first_covering_invalid", "the first covering checkpoint does not cover the leaf or comes after the proof's", { coversIndex: leafIndex, atMost: a.checkpointIndex }, { index: str(c.index), treeSize: str(c.treeSize) });
  }
  if (!d.revoked) return pass("device_not_revoked");
  return BigInt(c.index) < BigInt(d.revokedAtCheckpoint) ? pass("device_not_revoked", "revoked after the leaf was first anchored")
    : fail("device_not_revoked", "device_revoked", "the device was revoked before a checkpoint first covered the leaf", `first covering checkpoint < ${str(d.revokedAtCheckpoint)}`, str(c.index));
}
