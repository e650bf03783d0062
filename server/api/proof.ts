// Proof bundle v2 (docs/PROTOCOL.md §10) for a stored record, against an anchored checkpoint: the
// record in its stored form (full, personal-erased or stub), the envelope proof from the envelope's leaves, the
// log proof from O(log n) stored subtree hashes. A record whose openings were erased carries the bundle of the
// erasure record that explains it (when that record is in the same checkpoint), so a verifier reports "erased"
// rather than "stub".
import type pg from "pg";
import { assembleBundleV2, envelopeInclusionProofV2, isFull, type BundleV2, type ErasureBundle } from "../../core/index.ts";
import type { ChainConnection } from "../chain/connection.ts";
import { bytesToHex } from "../db/bytes.ts";
import { leafHashes } from "../log/leaf-store.ts";
import { storedInclusionProof } from "../log/merkle-store.ts";
import { anchoredBySize, expectedCheckpointIndex, latestAnchored, type AnchoredCheckpoint } from "./checkpoints-db.ts";
import { ApiError } from "./errors.ts";
import { findRecord, type RecordWithEnvelope } from "./records-query.ts";
import { FULL_SCOPE } from "./scope.ts";
import { storedRecord } from "./stored-record.ts";

type Db = Pick<pg.Pool, "query">;
export type Pending = { status: "pending"; index: number; hash: string; expectedCheckpoint: { minTreeSize: number; index: number } };

export async function proofFor(db: Db, chain: ChainConnection, row: RecordWithEnvelope, treeSize?: number): Promise<BundleV2 | Pending> {
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
  const parts = await bundleParts(db, chain, row, checkpoint);
  const r = parts.record;
  const erased = !isFull(r) || (r.header.kind === "event" && r.personal === undefined);
  const erasure = erased ? await erasureBundle(db, chain, row, checkpoint) : undefined;
  return assembleBundleV2({ ...parts, ...(erasure === undefined ? {} : { erasure }) });
}

/** Everything of a bundle but `erasure`, for a row covered by `checkpoint`. */
async function bundleParts(db: Db, chain: ChainConnection, row: RecordWithEnvelope, checkpoint: AnchoredCheckpoint) {
  const index = Number(row.leaf_index), firstIndex = Number(row.first_index);
  const [leaves, logProof] = await Promise.all([
    leafHashes(db, firstIndex, firstIndex + row.count),
    storedInclusionProof(db, index, checkpoint.treeSize),
  ]);
  const position = index - firstIndex;
  return {
    record: storedRecord(row),
    envelope: {
      header: { device: bytesToHex(row.env_device), firstSeq: Number(row.first_seq), count: row.count, recordsRoot: bytesToHex(row.records_root), lastHash: bytesToHex(row.last_hash) },
      signature: bytesToHex(row.signature),
      index: position,
      proof: envelopeInclusionProofV2(leaves, position),
    },
    log: { index, treeSize: checkpoint.treeSize, proof: logProof },
    anchor: {
      chainId: chain.chainId, contract: chain.contractAddress, checkpointIndex: checkpoint.index, treeSize: checkpoint.treeSize,
      root: checkpoint.root, txHash: checkpoint.txHash, blockNumber: checkpoint.blockNumber,
    },
  };
}

/** The bundle of the erasure record targeting `row`, if one is stored, later in the log and in the same checkpoint. */
async function erasureBundle(db: Db, chain: ChainConnection, row: RecordWithEnvelope, checkpoint: AnchoredCheckpoint): Promise<ErasureBundle | undefined> {
  const res = await db.query<{ hash: Buffer }>(
    "SELECT hash FROM records WHERE kind = 'erasure' AND body->>'target' = $1 ORDER BY ts DESC LIMIT 1", [bytesToHex(row.hash)]);
  const hash = res.rows[0]?.hash;
  if (hash === undefined) return undefined;
  const erasure = await findRecord(db, bytesToHex(hash), FULL_SCOPE);
  if (erasure === undefined || Number(erasure.leaf_index) >= checkpoint.treeSize) return undefined;
  const parts = await bundleParts(db, chain, erasure, checkpoint);
  const { erasure: _none, ...bundle } = assembleBundleV2(parts);
  return bundle;
}
