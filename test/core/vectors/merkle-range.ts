// Range-proof vectors (docs/PROTOCOL.md §7.1) over the same leaves as merkle.json: every range of a few sizes.
import { MerkleTree, rangeProofFromSubtrees, toHex32 } from "../../../core/index.ts";
import { merkleLeafData } from "./merkle.ts";

export const RANGE_VECTOR_SIZES = [1, 2, 3, 5, 7, 8, 13];

export function merkleRangeVectors() {
  const tree = MerkleTree.fromEntries(merkleLeafData());
  return {
    description: "Range inclusion proofs over the leaves of merkle.json: for each size and each run [begin, end), the hashes of the maximal RFC 9162 nodes wholly outside the run, left to right.",
    ranges: RANGE_VECTOR_SIZES.flatMap((size) => Array.from({ length: size }, (_, begin) => Array.from({ length: size - begin }, (_, k) => {
      const end = begin + k + 1;
      return { begin, end, size, root: toHex32(tree.root(size)), proof: rangeProofFromSubtrees(begin, end, size, tree.lookup).map(toHex32) };
    })).flat()),
  };
}
