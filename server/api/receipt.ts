// COSE Receipt (docs/PROTOCOL.md §13) of a stored record against an anchored checkpoint: the inclusion proof from
// O(log n) stored subtree hashes, the anchor as the service recorded it, signed with the service key (the key
// LedgerAnchor registers with the service role, the same that signs access and erasure records).
import type pg from "pg";
import { getBytes, type Wallet } from "ethers";
import { encodeReceipt, type DigestSigner } from "../../core/index.ts";
import type { ChainConnection } from "../chain/connection.ts";
import { bytesToHex } from "../db/bytes.ts";
import { storedInclusionProof } from "../log/merkle-store.ts";
import { anchoredBySize, expectedCheckpointIndex, latestAnchored } from "./checkpoints-db.ts";
import { ApiError } from "./errors.ts";
import type { Pending } from "./proof.ts";
import type { RecordWithEnvelope } from "./records-query.ts";

type Db = Pick<pg.Pool, "query">;

/** ES256K over the digest with the service key: r ‖ s (ethers signs deterministically, RFC 6979, low s). */
export const serviceKeySigner = (wallet: Wallet): DigestSigner => (digest) => {
  const sig = wallet.signingKey.sign(digest);
  return getBytes(sig.r + sig.s.slice(2));
};

export async function receiptFor(db: Db, chain: ChainConnection, service: Wallet, row: RecordWithEnvelope, treeSize?: number): Promise<Uint8Array | Pending> {
  const index = Number(row.leaf_index);
  const checkpoint = treeSize === undefined ? await latestAnchored(db, chain) : await anchoredBySize(db, chain, treeSize);
  if (treeSize !== undefined) {
    if (checkpoint === undefined) throw new ApiError(400, "tree_size_not_anchored", `no anchored checkpoint has treeSize ${treeSize}`, ["treeSize"]);
    if (index >= treeSize) throw new ApiError(400, "record_not_in_tree", `the record (index ${index}) is not in the tree of size ${treeSize}`, ["treeSize"], { index });
  }
  if (checkpoint === undefined || index >= checkpoint.treeSize) {
    return { status: "pending", index, hash: bytesToHex(row.hash), expectedCheckpoint: { minTreeSize: index + 1, index: await expectedCheckpointIndex(db, index) } };
  }
  // RFC 9942's inclusion path has at least one hash: the one-leaf tree has none, so it has no receipt.
  if (checkpoint.treeSize === 1) throw new ApiError(409, "receipt_tree_too_small", "a tree of one leaf has no inclusion path, so no RFC 9942 receipt: ask for a larger anchored treeSize", ["treeSize"], { treeSize: 1 });
  return encodeReceipt({
    leaf: bytesToHex(row.hash), leafIndex: index, treeSize: checkpoint.treeSize, proof: await storedInclusionProof(db, index, checkpoint.treeSize),
    signer: service.address.toLowerCase(),
    anchor: { chainId: chain.chainId, contract: chain.contractAddress, checkpointIndex: checkpoint.index, txHash: checkpoint.txHash, blockNumber: checkpoint.blockNumber },
  }, serviceKeySigner(service));
}
