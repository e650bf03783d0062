// Merkle vectors: leaves 0..7 are the RFC 6962 test leaves used by certificate-transparency and
// transparency-dev/merkle (so their roots are published); further leaves extend the tree.
import { leafHash, MerkleTree, toHex, toHex32 } from "../../../core/index.ts";

export const MAX_VECTOR_SIZE = 17;
const CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

export function merkleLeafData(): Buffer[] {
  const out = CT_LEAVES.map((h) => Buffer.from(h, "hex"));
  for (let i = out.length; i < MAX_VECTOR_SIZE; i++) out.push(Buffer.from(`otledger leaf ${i}`, "utf8"));
  return out;
}

export function merkleVectors() {
  const data = merkleLeafData();
  const tree = MerkleTree.fromEntries(data);
  const sizes = Array.from({ length: MAX_VECTOR_SIZE + 1 }, (_, n) => n);
  const hex = (hs: Buffer[]) => hs.map(toHex32);
  return {
    description: "RFC 9162 tree over leaf data D[i]: leafHash = SHA-256(0x00 ‖ D[i]), node = SHA-256(0x01 ‖ l ‖ r). Proofs are leaf-side first.",
    leaves: data.map((d) => ({ data: toHex(d), leafHash: toHex32(leafHash(d)) })),
    roots: sizes.map((size) => ({ size, root: toHex32(tree.root(size)) })),
    inclusion: sizes.flatMap((size) => Array.from({ length: size }, (_, index) => ({ index, size, proof: hex(tree.inclusionProof(index, size)) }))),
    consistency: sizes.flatMap((newSize) => Array.from({ length: newSize + 1 }, (_, oldSize) => ({ oldSize, newSize, proof: hex(tree.consistencyProof(oldSize, newSize)) }))),
  };
}
