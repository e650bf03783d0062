// The `succession` check of `otledger verify` (LedgerAnchor v2 successor(), PROTOCOL §9): once the admin has
// retired a contract with setSuccessor(successor, lastValidCheckpoint), its checkpoints above lastValidCheckpoint
// are not trusted (the anchorer key may have been stolen), and records anchored only there are to be verified
// against the successor. core's verifier is pure and knows nothing of successors: this check is the auditor's.
import type { CheckNameV2, CheckV2 } from "../../core/index.ts";
import type { Succession } from "../../sdk/ledger-anchor.ts";

export type SuccessionCode = "checkpoint_past_succession";
/** A check of core's verifier, or the auditor's own succession check. */
export type VerifyCheck = Omit<CheckV2, "name" | "code"> & { name: CheckNameV2 | "succession"; code?: CheckV2["code"] | SuccessionCode };

/** `anchored`: the checkpoint indices the proof relies on (the record's, and its erasure record's). */
export function checkSuccession(contract: string, succession: Succession | null, anchored: { what: string; checkpointIndex: number }[]): VerifyCheck {
  if (succession === null) return { name: "succession", ok: true, message: "the contract has no successor" };
  const { successor, lastValidCheckpoint } = succession;
  const past = anchored.filter((a) => a.checkpointIndex > lastValidCheckpoint);
  if (past.length === 0) {
    return { name: "succession", ok: true, message: `LedgerAnchor ${contract} was retired; checkpoints up to ${lastValidCheckpoint} stay valid (later ones: successor ${successor})` };
  }
  return {
    name: "succession", ok: false, code: "checkpoint_past_succession",
    message: `LedgerAnchor ${contract} was retired at checkpoint ${lastValidCheckpoint}: ${past.map((a) => `the ${a.what}'s checkpoint ${a.checkpointIndex}`).join(" and ")} is not trusted; ask for a proof anchored in the successor ${successor}`,
    expected: { lastValidCheckpoint, successor }, computed: Object.fromEntries(past.map((a) => [a.what, a.checkpointIndex])),
  };
}
