// The individual checks of verifyBundle. Each link of the chain record → recordHash → recordsRoot → device and
// recordHash → log root → on-chain root is checked exactly once, so a single wrong field yields its own code.
import type { Bundle, ParsedChainFacts as ChainFacts, Check, CheckName, BundleCheckCode } from "./bundle.ts";
import { envelopeDomain, recoverEnvelopeSigner } from "./envelope.ts";
import { OtledgerError } from "./errors.ts";
import { recordHash } from "./hash.ts";
import { toHex32 } from "./hex.ts";
import { rootFromInclusionProof } from "./merkle-verify.ts";

const pass = (name: CheckName, message?: string): Check => (message === undefined ? { name, ok: true } : { name, ok: true, message });
const fail = (name: CheckName, code: BundleCheckCode, message: string, expected?: unknown, computed?: unknown): Check =>
  ({ name, ok: false, code, message, expected, computed });
const skip = (name: CheckName, message: string): Check => ({ name, ok: true, skipped: true, message });
const eq = (a: number | bigint, b: number | bigint) => BigInt(a) === BigInt(b);
const str = (x: number | bigint) => String(x);

export function checkRecordHash(b: Bundle): Check {
  const computed = recordHash(b.record);
  return computed === b.recordHash ? pass("record_hash")
    : fail("record_hash", "record_hash_mismatch", "the record does not hash to recordHash", b.recordHash, computed);
}

export function checkEnvelopeDevice(b: Bundle): Check {
  return b.record.device === b.envelope.header.device ? pass("envelope_device")
    : fail("envelope_device", "envelope_device_mismatch", "record.device differs from the envelope's device", b.envelope.header.device, b.record.device);
}

export function checkEnvelopeSeq(b: Bundle): Check {
  const { header, index } = b.envelope;
  const expectedSeq = header.firstSeq + index;
  if (index >= header.count) return fail("envelope_seq", "envelope_seq_mismatch", `envelope index ${index} is outside count ${header.count}`, `< ${header.count}`, index);
  return b.record.seq === expectedSeq ? pass("envelope_seq")
    : fail("envelope_seq", "envelope_seq_mismatch", "record.seq is not header.firstSeq + envelope.index", expectedSeq, b.record.seq);
}

/** Root from an inclusion proof, or the error that made the proof unusable. */
function proofRoot(index: number, size: number, leaf: string, proof: string[]): { root: string } | { error: string } {
  try {
    return { root: toHex32(rootFromInclusionProof(index, size, leaf, proof)) };
  } catch (err) {
    return { error: err instanceof OtledgerError ? `${err.code}: ${err.message}` : String(err) };
  }
}

export function checkEnvelopeInclusion(b: Bundle): Check {
  const { header, index, proof } = b.envelope;
  const r = proofRoot(index, header.count, b.recordHash, proof);
  if ("error" in r) return fail("envelope_inclusion", "envelope_proof_malformed", r.error);
  return r.root === header.recordsRoot ? pass("envelope_inclusion")
    : fail("envelope_inclusion", "envelope_root_mismatch", "the envelope proof does not lead to header.recordsRoot", header.recordsRoot, r.root);
}

export function checkEnvelopeLastHash(b: Bundle): Check {
  const { header, index } = b.envelope;
  if (index !== header.count - 1) return pass("envelope_last_hash", "not the envelope's last record");
  return b.recordHash === header.lastHash ? pass("envelope_last_hash")
    : fail("envelope_last_hash", "envelope_last_hash_mismatch", "the envelope's last record hash differs from header.lastHash", header.lastHash, b.recordHash);
}

/** The signature is checked under the domain of the real chain and contract (from the facts, not the bundle). */
export function checkSignature(b: Bundle, f: ChainFacts): Check {
  const { header, signature } = b.envelope;
  let signer: string;
  try {
    signer = recoverEnvelopeSigner(header, signature, envelopeDomain(BigInt(f.chainId), f.contract));
  } catch (err) {
    return fail("signature", "signature_invalid", (err as Error).message);
  }
  return signer === header.device ? pass("signature")
    : fail("signature", "signature_signer_mismatch", "the envelope signature was not made by header.device", header.device, signer);
}

export function checkChainId(b: Bundle, f: ChainFacts): Check {
  return eq(b.anchor.chainId, f.chainId) ? pass("chain_id")
    : fail("chain_id", "chain_id_mismatch", "the bundle names another chain", str(f.chainId), b.anchor.chainId);
}

export function checkContract(b: Bundle, f: ChainFacts): Check {
  return b.anchor.contract === f.contract ? pass("contract")
    : fail("contract", "contract_mismatch", "the bundle names another LedgerAnchor contract", f.contract, b.anchor.contract);
}

export function checkCheckpoint(b: Bundle, f: ChainFacts): Check {
  const c = f.checkpoint, a = b.anchor;
  if (c === null) return fail("checkpoint", "checkpoint_missing", `the chain has no checkpoint ${a.checkpointIndex}`, "a checkpoint", null);
  if (!eq(c.index, a.checkpointIndex)) return fail("checkpoint", "checkpoint_index_mismatch", "facts were read for another checkpoint", a.checkpointIndex, str(c.index));
  if (!eq(c.treeSize, a.treeSize)) return fail("checkpoint", "checkpoint_size_mismatch", "anchored tree size differs", str(c.treeSize), a.treeSize);
  if (c.root !== a.root) return fail("checkpoint", "checkpoint_root_mismatch", "anchored root differs", c.root, a.root);
  if (c.blockNumber !== undefined && !eq(c.blockNumber, a.blockNumber)) {
    return fail("checkpoint", "checkpoint_block_mismatch", "checkpoint was anchored in another block", str(c.blockNumber), a.blockNumber);
  }
  return pass("checkpoint");
}

export function checkAnchorTx(b: Bundle, f: ChainFacts): Check {
  const t = f.anchorTx, a = b.anchor;
  if (t === undefined) return skip("anchor_tx", "no receipt facts given: txHash not checked");
  if (t === null) return fail("anchor_tx", "anchor_tx_missing", "no CheckpointAnchored event in the receipt of anchor.txHash", "a receipt", null);
  if (t.txHash !== a.txHash || !eq(t.checkpointIndex, a.checkpointIndex) || !eq(t.blockNumber, a.blockNumber)) {
    return fail("anchor_tx", "anchor_tx_mismatch", "the anchoring transaction does not match the bundle",
      { txHash: t.txHash, checkpointIndex: str(t.checkpointIndex), blockNumber: str(t.blockNumber) },
      { txHash: a.txHash, checkpointIndex: a.checkpointIndex, blockNumber: a.blockNumber });
  }
  return pass("anchor_tx");
}

export function checkLogSize(b: Bundle): Check {
  return b.log.treeSize === b.anchor.treeSize ? pass("log_size")
    : fail("log_size", "log_size_mismatch", "the log proof is for another tree size than the checkpoint", b.anchor.treeSize, b.log.treeSize);
}

/** Inclusion is checked against the on-chain root when the chain has the checkpoint, else against the bundle's. */
export function checkLogInclusion(b: Bundle, f: ChainFacts): Check {
  const target = f.checkpoint?.root ?? b.anchor.root;
  const r = proofRoot(b.log.index, b.log.treeSize, b.recordHash, b.log.proof);
  if ("error" in r) return fail("log_inclusion", "log_proof_malformed", r.error);
  return r.root === target ? pass("log_inclusion")
    : fail("log_inclusion", "log_root_mismatch", "the log proof does not lead to the checkpoint root", target, r.root);
}

export function checkDeviceRegistered(b: Bundle, f: ChainFacts): Check {
  const d = f.device;
  if (d.address !== undefined && d.address !== b.record.device) {
    return fail("device_registered", "device_facts_mismatch", "device facts were read for another address", b.record.device, d.address);
  }
  return d.registered ? pass("device_registered")
    : fail("device_registered", "device_not_registered", "the device is not registered in LedgerAnchor", true, false);
}

/** Revocation rule: valid iff not revoked, or the first checkpoint covering the record precedes the revocation. */
export function checkNotRevoked(b: Bundle, f: ChainFacts): Check {
  const c = f.firstCovering;
  if (c === null) return fail("device_not_revoked", "record_not_anchored", `no checkpoint covers log index ${b.log.index}`, "a covering checkpoint", null);
  if (BigInt(c.treeSize) <= BigInt(b.log.index) || BigInt(c.index) > BigInt(b.anchor.checkpointIndex)) {
    return fail("device_not_revoked", "first_covering_invalid", "the first covering checkpoint does not cover the record or comes after the bundle's",
      { coversIndex: b.log.index, atMost: b.anchor.checkpointIndex }, { index: str(c.index), treeSize: str(c.treeSize) });
  }
  const d = f.device;
  if (!d.revoked) return pass("device_not_revoked");
  return BigInt(c.index) < BigInt(d.revokedAtCheckpoint) ? pass("device_not_revoked", "revoked after the record was first anchored")
    : fail("device_not_revoked", "device_revoked", "the device was revoked before a checkpoint first covered the record",
      `first covering checkpoint < ${str(d.revokedAtCheckpoint)}`, str(c.index));
}
