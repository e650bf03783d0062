// Envelope proof v2 (docs/PROTOCOL.md §11.1) for a stored envelope: its record hashes are the log leaves
// [first_index, first_index + count), proven at once by a range proof (§7.1) from O(log n) stored subtrees.
import type pg from "pg";
import { ENVELOPE_PROOF_VERSION_V2, EnvelopeProofV2Schema, type EnvelopeProofV2 } from "../../core/index.ts";
import type { ChainConnection } from "../chain/connection.ts";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import { leafHashes } from "../log/leaf-store.ts";
import { storedRangeProof } from "../log/merkle-store.ts";
import { anchoredBySize, expectedCheckpointIndex, latestAnchored, type AnchoredCheckpoint } from "./checkpoints-db.ts";
import { ApiError } from "./errors.ts";
import { Params, scopeCondition, type Scope } from "./scope.ts";

type Db = Pick<pg.Pool, "query">;
export type EnvelopeRow = {
  first_seq: number; count: number; first_index: number; device: Buffer; records_root: Buffer; last_hash: Buffer; signature: Buffer; visible: number;
};
export type PendingEnvelopeProof = {
  status: "pending"; firstIndex: number; count: number; expectedCheckpoint: { minTreeSize: number; index: number };
};

/**
 * The envelope (device, firstSeq), or undefined if absent or not wholly in scope: its proof reveals every record
 * hash, so a caller must be allowed to read each of its records (out of scope and absent look the same).
 */
export async function findEnvelope(db: Db, device: string, firstSeq: number, scope: Scope): Promise<EnvelopeRow | undefined> {
  const p = new Params();
  const res = await db.query<EnvelopeRow>(
    `SELECT e.first_seq, e.count, e.first_index, e.device, e.records_root, e.last_hash, e.signature, count(r.seq)::int AS visible
     FROM envelopes e JOIN records r ON r.envelope_id = e.id AND r.device = e.device
     WHERE e.device = ${p.add(hexToBytes(device))} AND e.first_seq = ${p.add(firstSeq)} AND ${scopeCondition(scope, p)}
     GROUP BY e.id`, p.values);
  const row = res.rows[0];
  return row !== undefined && row.visible === row.count ? row : undefined;
}

export async function envelopeProofFor(db: Db, chain: ChainConnection, row: EnvelopeRow, treeSize?: number): Promise<EnvelopeProofV2 | PendingEnvelopeProof> {
  const firstIndex = Number(row.first_index), end = firstIndex + row.count;
  let checkpoint: AnchoredCheckpoint | undefined;
  if (treeSize !== undefined) {
    checkpoint = await anchoredBySize(db, chain, treeSize);
    if (checkpoint === undefined) throw new ApiError(400, "tree_size_not_anchored", `no anchored checkpoint has treeSize ${treeSize}`, ["treeSize"]);
    if (end > treeSize) throw new ApiError(400, "record_not_in_tree", `the envelope (leaves ${firstIndex}..${end - 1}) is not wholly in the tree of size ${treeSize}`, ["treeSize"], { firstIndex, count: row.count });
  } else {
    checkpoint = await latestAnchored(db, chain);
  }
  if (checkpoint === undefined || end > checkpoint.treeSize) {
    return { status: "pending", firstIndex, count: row.count, expectedCheckpoint: { minTreeSize: end, index: await expectedCheckpointIndex(db, end - 1) } };
  }
  const [leaves, proof] = await Promise.all([
    leafHashes(db, firstIndex, end),
    storedRangeProof(db, firstIndex, end, checkpoint.treeSize),
  ]);
  return EnvelopeProofV2Schema.parse({
    version: ENVELOPE_PROOF_VERSION_V2,
    header: { device: bytesToHex(row.device), firstSeq: Number(row.first_seq), count: row.count, recordsRoot: bytesToHex(row.records_root), lastHash: bytesToHex(row.last_hash) },
    signature: bytesToHex(row.signature),
    recordHashes: leaves.map((l) => bytesToHex(l)),
    log: { firstIndex, treeSize: checkpoint.treeSize, proof },
    anchor: {
      chainId: chain.chainId, contract: chain.contractAddress, checkpointIndex: checkpoint.index, treeSize: checkpoint.treeSize,
      root: checkpoint.root, txHash: checkpoint.txHash, blockNumber: checkpoint.blockNumber,
    },
  });
}
