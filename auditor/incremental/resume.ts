// Resuming from a saved state: the state must belong to the chain and contract audited, its root must be the root
// LedgerAnchor holds at its checkpoint, and the log must provably extend it. Two consistency checks:
//  - the service's RFC 9162 consistency proof from the saved size to the newest anchored size, verified with core
//    against both on-chain roots: it needs no leaf, so it also catches a fork the export would hide;
//  - the binding one: the saved compact range, extended with the exported leaves, must reach every newer
//    on-chain root (stream-audit.ts, CHECKPOINT_ROOT_MISMATCH). It trusts nothing the service says.
import { CompactRange, toHex32, verifyConsistency } from "../../core/index.ts";
import type { ChainCheckpoint } from "../../sdk/ledger-anchor.ts";
import type { FindingLog } from "../audit/findings.ts";
import type { ConsistencyAnswer } from "../format/consistency-api.ts";
import type { AuditState } from "./state.ts";

export type ProofSource = (from: number, to: number) => Promise<ConsistencyAnswer>;

/** STATE_CHAIN_MISMATCH when the export (and so the audit) is of another chain or contract than the state's. */
export function checkStateChain(state: AuditState, chain: { chainId: number; contract: string }, findings: FindingLog): boolean {
  if (state.chainId === chain.chainId && state.contract === chain.contract) return true;
  findings.add({ code: "STATE_CHAIN_MISMATCH", message: `the saved state belongs to chain ${state.chainId} contract ${state.contract}, not to the audited chain ${chain.chainId} contract ${chain.contract}`,
    expected: { chainId: chain.chainId, contract: chain.contract }, computed: { chainId: state.chainId, contract: state.contract } });
  return false;
}

/** The state's compact range, if its frontier rebuilds its root and the chain has that root at its checkpoint. */
export function checkStateRoot(state: AuditState, checkpoints: readonly ChainCheckpoint[], findings: FindingLog): CompactRange | null {
  const cp = state.checkpoint;
  let range: CompactRange | null = null;
  try {
    range = CompactRange.fromFrontier(cp.treeSize, state.frontier);
  } catch (err) {
    findings.add({ code: "STATE_ROOT_MISMATCH", checkpoint: cp.index, message: `the saved compact range is not one of size ${cp.treeSize}: ${(err as Error).message}`, expected: cp.treeSize, computed: state.frontier.length });
    return null;
  }
  const rebuilt = toHex32(range.root());
  if (rebuilt !== cp.root) {
    findings.add({ code: "STATE_ROOT_MISMATCH", checkpoint: cp.index, message: `the saved compact range gives root ${rebuilt}, not the saved root ${cp.root}`, expected: cp.root, computed: rebuilt });
    return null;
  }
  const onChain = checkpoints[cp.index];
  if (onChain === undefined || onChain.treeSize !== cp.treeSize || onChain.root !== cp.root) {
    findings.add({ code: "STATE_ROOT_MISMATCH", checkpoint: cp.index,
      message: onChain ? `the saved state's checkpoint ${cp.index} (size ${cp.treeSize}, root ${cp.root}) is not LedgerAnchor's (size ${onChain.treeSize}, root ${onChain.root})` : `the saved state names checkpoint ${cp.index}, which LedgerAnchor does not have (it has ${checkpoints.length})`,
      expected: onChain ? { treeSize: onChain.treeSize, root: onChain.root } : `< ${checkpoints.length}`, computed: { treeSize: cp.treeSize, root: cp.root } });
    return null;
  }
  return range;
}

/** CONSISTENCY_PROOF_INVALID unless the service proves `newest` (on chain) extends the saved checkpoint. */
export async function checkServiceConsistency(state: AuditState, newest: ChainCheckpoint, proofOf: ProofSource, findings: FindingLog): Promise<boolean> {
  const old = state.checkpoint;
  if (newest.treeSize <= old.treeSize) return true; // nothing anchored since: the state's root check is all there is
  const evidence = { from: { treeSize: old.treeSize, root: old.root }, to: { treeSize: newest.treeSize, root: newest.root } };
  const answer = await proofOf(old.treeSize, newest.treeSize);
  if (!answer.ok) {
    findings.add({ code: "CONSISTENCY_PROOF_INVALID", checkpoint: newest.index, message: `the service gives no consistency proof from size ${old.treeSize} to ${newest.treeSize}: ${answer.status} ${answer.code}: ${answer.message}`,
      expected: evidence, computed: { status: answer.status, code: answer.code } });
    return false;
  }
  try {
    verifyConsistency(old.treeSize, newest.treeSize, answer.proof, old.root, newest.root);
    return true;
  } catch (err) {
    const e = err as Error & { code?: string };
    findings.add({ code: "CONSISTENCY_PROOF_INVALID", checkpoint: newest.index,
      message: `the log of size ${newest.treeSize} (root ${newest.root}, checkpoint ${newest.index}) is not proven to extend the audited log of size ${old.treeSize} (root ${old.root}): ${e.message}`,
      expected: evidence, computed: { proof: answer.proof, error: e.code ?? e.message } });
    return false;
  }
}
