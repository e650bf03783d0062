// Building a receipt (the service side): the protected header names the algorithm, the VDS, the signing key,
// the anchored checkpoint and the leaf; the unprotected header carries the RFC 9162 inclusion proof; the payload
// (the tree root) is detached, so a verifier must recompute it from the leaf and the proof.
import { rootFromInclusionProof } from "../merkle-verify.ts";
import { fromHex, toBytes32, type Bytes32Like } from "../hex.ts";
import {
  ALG_ES256K, ANCHOR, COSE_SIGN1_TAG, LABEL, Tag, VDS_RFC9162_SHA256, bstr, encodeCbor, signingDigest, type AnchorRef,
} from "./cose.ts";

export type ReceiptInput = {
  /** The record hash: the RFC 9162 leaf hash of the record (PROTOCOL §6). */
  leaf: Bytes32Like;
  leafIndex: number;
  treeSize: number;
  /** RFC 9162 inclusion path, leaf side first; at least one hash (RFC 9942's `[+ bstr]`, so treeSize >= 2). */
  proof: readonly Bytes32Like[];
  anchor: AnchorRef;
  /** Ethereum address of the service key (the kid). */
  signer: string;
};

/** Signs a 32-byte SHA-256 digest with the service key: 64 bytes r ‖ s (s low, as Ethereum keys sign). */
export type DigestSigner = (digest: Uint8Array) => Uint8Array;

export function encodeReceipt(input: ReceiptInput, sign: DigestSigner): Uint8Array {
  if (input.proof.length === 0) throw new RangeError("RFC 9942 requires a non-empty inclusion path: a tree of one leaf has no receipt");
  const leaf = bstr(toBytes32(input.leaf));
  const path = input.proof.map((h) => bstr(toBytes32(h)));
  // The service signs only a root it computed itself from the leaf and the proof.
  const root = rootFromInclusionProof(input.leafIndex, input.treeSize, leaf, path);
  const a = input.anchor;
  const protectedBytes = encodeCbor(new Map<number, unknown>([
    [LABEL.alg, ALG_ES256K],
    [LABEL.kid, bstr(fromHex(input.signer))],
    [LABEL.vds, VDS_RFC9162_SHA256],
    [LABEL.anchor, new Map<number, unknown>([
      [ANCHOR.chainId, a.chainId], [ANCHOR.contract, bstr(fromHex(a.contract))], [ANCHOR.checkpointIndex, a.checkpointIndex],
      [ANCHOR.txHash, bstr(toBytes32(a.txHash))], [ANCHOR.blockNumber, a.blockNumber],
    ])],
    [LABEL.leaf, leaf],
  ]));
  const proof = encodeCbor([input.treeSize, input.leafIndex, path]);
  const unprotected = new Map([[LABEL.vdp, new Map([[LABEL.inclusionProof, [proof]]])]]);
  const signature = sign(signingDigest(protectedBytes, bstr(root)));
  if (signature.length !== 64) throw new RangeError("an ES256K signature is 64 bytes r ‖ s");
  return encodeCbor(new Tag(COSE_SIGN1_TAG, [protectedBytes, unprotected, null, bstr(signature)]));
}
