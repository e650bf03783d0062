// Multi-leaf proof vectors (docs/PROTOCOL.md §7.2) over the leaves of merkle.json: every index set of size 7 and
// a few scattered sets of size 13 and 17.
import { MerkleTree, multiProofFromSubtrees, toHex32 } from "../../../core/index.ts";
import { merkleLeafData } from "./merkle.ts";

const SETS: [size: number, indexes: number[]][] = [[13, [0, 12]], [13, [1, 4, 9]], [13, [3, 5, 6, 7, 11]], [17, [0, 8, 16]], [17, [2, 3, 10, 15]]];

export function multiProofVectors() {
  const tree = MerkleTree.fromEntries(merkleLeafData());
  const all7 = Array.from({ length: 127 }, (_, m) => [7, [0, 1, 2, 3, 4, 5, 6].filter((i) => (m + 1) & (1 << i))] as [number, number[]]);
  return {
    description: "Multi-leaf inclusion proofs over the leaves of merkle.json: for each size and strictly increasing index set, the hashes of the maximal RFC 9162 nodes holding none of the indexes, left to right.",
    proofs: [...all7, ...SETS].map(([size, indexes]) => ({ size, indexes, root: toHex32(tree.root(size)), proof: multiProofFromSubtrees(indexes, size, tree.lookup).map(toHex32) })),
  };
}
