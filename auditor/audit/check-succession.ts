// A retired LedgerAnchor (v2 setSuccessor): its checkpoints above lastValidCheckpoint are not trusted. Each is a
// finding that names the successor, where records past the last valid checkpoint are to be verified.
import type { ChainView } from "./chain-view.ts";
import type { FindingLog } from "./findings.ts";

export function checkSuccession(chain: ChainView, findings: FindingLog): void {
  const s = chain.succession;
  if (s === null) return;
  for (const cp of chain.checkpoints) {
    if (cp.index <= s.lastValidCheckpoint) continue;
    findings.add({ code: "CHECKPOINT_PAST_SUCCESSION", checkpoint: cp.index,
      message: `checkpoint ${cp.index} (size ${cp.treeSize}) comes after LedgerAnchor ${chain.contract} was retired at checkpoint ${s.lastValidCheckpoint}: not trusted; verify later records against the successor ${s.successor}`,
      expected: `checkpoint ≤ ${s.lastValidCheckpoint} (successor ${s.successor})`, computed: cp.index });
  }
}
