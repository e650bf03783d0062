// Proof bundle v1 (docs/PROTOCOL.md §10) for a stored record, against an anchored checkpoint: the envelope
// proof from the envelope's leaves, the log proof from O(log n) stored subtree hashes.
import type pg from "pg";
import { assembleBundle, envelopeInclusionProof, type Bundle, type Record as LedgerRecord } from "../../core/index.ts";
import type { ChainConnection } from "../chain/connection.ts";
import { bytesToHex } from "../db/bytes.ts";
import { storedInclusionProof } from "../log/merkle-store.ts";
import { anchoredBySize, expectedCheckpointIndex, latestAnchored, type AnchoredCheckpoint } from "./checkpoints-db.ts";
import { ApiError } from "./errors.ts";
import type { RecordWithEnvelope } from "./records-query.ts";

type Db = Pick<pg.Pool, "query">;
export type Pending = { status: "pending"; index: number; hash: string; expectedCheckpoint: { minTreeSize: number; index: number } };

export async function proofFor(db: Db, chain: ChainConnection, row: RecordWithEnvelope, treeSize?: number): Promise<Bundle | Pending> {
  const index = Number(row.leaf_index);
  let checkpoint: AnchoredCheckpoint | undefined;
  if (treeSize !== undefined) {
    checkpoint = await anchoredBySize(db, chain, treeSize);
    if (checkpoint === undefined) throw new ApiError(400, "tree_size_not_anchored", `no anchored checkpoint has treeSize ${treeSize}`, ["treeSize"]);
    if (index >= treeSize) throw new ApiError(400, "record_not_in_tree", `the record (index ${index}) is not in the tree of size ${treeSize}`, ["treeSize"], { index });
  } else {
    checkpoint = await latestAnchored(db, chain);
  }
  if (checkpoint === undefined || index >= checkpoint.treeSize) {
    return { status: "pending", index, hash: bytesToHex(row.hash), expectedCheckpoint: { minTreeSize: index + 1, index: await expectedCheckpointIndex(db, index) } };
  }
  const firstIndex = Number(row.first_index);
  const [leaves, logProof] = await Promise.all([
    db.query<{ hash: Buffer }>("SELECT hash FROM leaves WHERE idx >= $1 AND idx < $2 ORDER BY idx", [firstIndex, firstIndex + row.count]),
    storedInclusionProof(db, index, checkpoint.treeSize),
  ]);
  const position = index - firstIndex;
  return assembleBundle({
    record: JSON.parse(row.canonical) as LedgerRecord,
    envelope: {
      header: { device: bytesToHex(row.env_device), firstSeq: Number(row.first_seq), count: row.count, recordsRoot: bytesToHex(row.records_root), lastHash: bytesToHex(row.last_hash) },
      signature: bytesToHex(row.signature),
      index: position,
      proof: envelopeInclusionProof(leaves.rows.map((l) => l.hash), position),
    },
    log: { index, treeSize: checkpoint.treeSize, proof: logProof },
    anchor: {
      chainId: chain.chainId, contract: chain.contractAddress, checkpointIndex: checkpoint.index, treeSize: checkpoint.treeSize,
      root: checkpoint.root, txHash: checkpoint.txHash, blockNumber: checkpoint.blockNumber,
    },
  });
}
