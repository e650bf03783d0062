// The receipt of an accepted envelope: a pure function of what was stored, so a replay gets the same one.
export type Receipt = {
  device: string;
  firstSeq: number;
  count: number;
  recordsRoot: string;
  records: { seq: number; hash: string; index: number }[];
  /** The records land in the first checkpoint whose treeSize is at least minTreeSize (LedgerAnchor.firstCheckpointCovering(lastIndex)). */
  checkpoint: { minTreeSize: number };
};

export function buildReceipt(header: { device: string; firstSeq: number; count: number; recordsRoot: string }, hashes: string[], firstIndex: number): Receipt {
  return {
    device: header.device,
    firstSeq: header.firstSeq,
    count: header.count,
    recordsRoot: header.recordsRoot,
    records: hashes.map((hash, i) => ({ seq: header.firstSeq + i, hash, index: firstIndex + i })),
    checkpoint: { minTreeSize: firstIndex + hashes.length },
  };
}
