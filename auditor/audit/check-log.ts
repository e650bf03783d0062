// The global log: every record sits at its leaf, every leaf in a full export has its record, no leaf repeats,
// and the tree rebuilt from the leaves has, at each anchored size, the root the chain holds.
import { MerkleTree, toHex32 } from "../../core/index.ts";
import { suspectsEvidence, type Attribution } from "./attribution.ts";
import type { ChainView } from "./chain-view.ts";
import type { Collected } from "./collect.ts";
import type { FindingLog } from "./findings.ts";

export type LogStats = { leaves: number; checkpointsChecked: number; checkpointsBeyondExport: number };

const leafHex = (c: Collected, i: number) => toHex32(c.leaves.subarray(i * 32, i * 32 + 32));

/** Returns the leaves without a record (full scope) that no exported envelope accounts for. */
export function checkRecordsInLog(c: Collected, findings: FindingLog, who: Attribution): number[] {
  const covered = new Uint8Array(c.leafCount);
  for (const r of c.records) {
    if (r.index >= c.leafCount) {
      findings.add({ code: "RECORD_NOT_IN_LOG", message: `record ${r.device} seq ${r.seq} claims leaf ${r.index}, beyond the log's ${c.leafCount} leaves`,
        device: r.device, seq: r.seq, index: r.index, expected: `< ${c.leafCount}`, computed: r.index });
      continue;
    }
    if (!c.leaves.subarray(r.index * 32, r.index * 32 + 32).equals(r.hash)) {
      findings.add({ code: "RECORD_NOT_IN_LOG", message: `leaf ${r.index} is not the hash of the record (${r.device} seq ${r.seq}) exported there`,
        device: r.device, seq: r.seq, index: r.index, expected: leafHex(c, r.index), computed: toHex32(r.hash) });
      continue;
    }
    covered[r.index] = 1;
  }
  const h = c.header;
  const unattributed: number[] = [];
  if (h?.scope !== "full") return unattributed;
  const end = Math.min(h.range.toIndex, c.leafCount);
  for (let i = h.range.fromIndex; i < end; i++) {
    if (covered[i]) continue;
    const owner = who.owner(i);
    if (owner !== null) {
      findings.add({ code: "LEAF_WITHOUT_RECORD", message: `leaf ${i} has no matching record in a full export (a record of device ${owner}'s envelope there deleted or withheld)`,
        device: owner, index: i, expected: leafHex(c, i) });
      continue;
    }
    unattributed.push(i);
    const { devices, phrase } = suspectsEvidence(who.suspectsOfLeaf(i));
    findings.add({ code: "LEAF_WITHOUT_RECORD", message: `leaf ${i} has no matching record in a full export (record deleted or withheld)${phrase}`,
      index: i, ...(devices ? { devices } : {}), expected: leafHex(c, i) });
  }
  return unattributed;
}

export function checkDuplicateLeaves(c: Collected, findings: FindingLog): void {
  // 32 raw bytes as a latin1 string: a compact Map key.
  const seen = new Map<string, number>();
  for (let i = 0; i < c.leafCount; i++) {
    const key = c.leaves.toString("latin1", i * 32, i * 32 + 32);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else findings.add({ code: "LEAF_DUPLICATE", message: `leaf ${i} repeats leaf ${first} (the same record appended twice: a replay)`, index: i, expected: "a new record hash", computed: leafHex(c, i) });
  }
}

/** Rebuilds the log from the exported leaves and compares the root at every anchored size the export covers. */
export function checkAnchoredRoots(c: Collected, chain: ChainView, findings: FindingLog, who: Attribution): LogStats {
  const stats: LogStats = { leaves: c.leafCount, checkpointsChecked: 0, checkpointsBeyondExport: 0 };
  if (c.header && c.header.treeSize !== c.leafCount) {
    findings.add({ code: "EXPORT_TRUNCATED", message: `the header announces ${c.header.treeSize} leaves, the export holds ${c.leafCount}`, expected: c.header.treeSize, computed: c.leafCount });
  }
  const tree = new MerkleTree(c.leaves);
  for (const cp of chain.checkpoints) {
    if (cp.treeSize > c.leafCount) {
      stats.checkpointsBeyondExport++;
      continue;
    }
    const root = toHex32(tree.root(cp.treeSize));
    stats.checkpointsChecked++;
    if (root !== cp.root) {
      const { devices, phrase } = suspectsEvidence(who.suspectsAt(cp.blockNumber));
      findings.add({ code: "CHECKPOINT_ROOT_MISMATCH", message: `checkpoint ${cp.index}: the first ${cp.treeSize} exported leaves do not give the root anchored on chain${phrase}`,
        checkpoint: cp.index, ...(devices ? { devices } : {}), expected: cp.root, computed: root });
    }
  }
  return stats;
}
