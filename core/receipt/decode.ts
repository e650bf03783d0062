// Strict reading of a receipt's structure (docs/PROTOCOL.md §13): a tagged COSE_Sign1 with a detached payload,
// the profile's protected header, exactly one RFC 9162 inclusion proof. Anything else is `receipt_malformed`
// (or the unsupported alg/vds codes), with the offending part named.
import { toHex, toHex32, type Hex32 } from "../hex.ts";
import { ALG_ES256K, ANCHOR, COSE_SIGN1_TAG, LABEL, Tag, VDS_RFC9162_SHA256, decodeCbor, type AnchorRef } from "./cose.ts";
import { ReceiptError } from "./errors.ts";

export type DecodedReceipt = {
  protectedBytes: Uint8Array;
  alg: number;
  signer: string;
  anchor: AnchorRef;
  leaf: Hex32;
  treeSize: number;
  leafIndex: number;
  path: Uint8Array[];
  signature: Uint8Array;
};

const malformed = (what: string): never => { throw new ReceiptError("receipt_malformed", what); };
const isBytes = (v: unknown, length?: number): v is Uint8Array => v instanceof Uint8Array && (length === undefined || v.length === length);
const uint = (v: unknown, what: string): number => {
  const n = typeof v === "bigint" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return malformed(`${what} must be an unsigned safe integer`);
  return n;
};
const asMap = (v: unknown, what: string): Map<unknown, unknown> => (v instanceof Map ? v : malformed(`${what} must be a map`));
const cbor = (bytes: Uint8Array, what: string): unknown => {
  try { return decodeCbor(bytes); } catch (err) { return malformed(`${what} is not one well-formed CBOR item: ${(err as Error).message}`); }
};

export function decodeReceipt(bytes: Uint8Array): DecodedReceipt {
  const outer = cbor(bytes, "the receipt");
  if (!(outer instanceof Tag) || Number(outer.tag) !== COSE_SIGN1_TAG) return malformed("a receipt is a COSE_Sign1 tagged 18");
  const parts = outer.contents;
  if (!Array.isArray(parts) || parts.length !== 4) return malformed("COSE_Sign1 has 4 members");
  const [protectedBytes, unprotected, payload, signature] = parts as unknown[];
  if (!isBytes(protectedBytes)) return malformed("the protected header is a bstr");
  if (payload !== null) return malformed("the payload (the tree root) is detached: nil");
  if (!isBytes(signature)) return malformed("the signature is a bstr");
  const p = asMap(cbor(protectedBytes, "the protected header"), "the protected header");
  const alg = p.get(LABEL.alg);
  if (alg !== ALG_ES256K) throw new ReceiptError("receipt_alg_unsupported", `alg must be ES256K (${ALG_ES256K})`, { expected: ALG_ES256K, computed: alg });
  const vds = p.get(LABEL.vds);
  if (vds !== VDS_RFC9162_SHA256) throw new ReceiptError("receipt_vds_unsupported", `vds must be RFC9162_SHA256 (${VDS_RFC9162_SHA256})`, { expected: VDS_RFC9162_SHA256, computed: vds });
  const kid = p.get(LABEL.kid);
  if (!isBytes(kid, 20)) return malformed("kid is the service key's 20-byte address");
  if (signature.length !== 64) return malformed("an ES256K signature is 64 bytes r ‖ s");
  const a = asMap(p.get(LABEL.anchor), "the anchor (label -65537)");
  const contract = a.get(ANCHOR.contract), txHash = a.get(ANCHOR.txHash), leaf = p.get(LABEL.leaf);
  if (!isBytes(contract, 20)) return malformed("anchor contract is a 20-byte address");
  if (!isBytes(txHash, 32)) return malformed("anchor txHash is 32 bytes");
  if (!isBytes(leaf, 32)) return malformed("the leaf (label -65538) is 32 bytes");
  const anchor: AnchorRef = {
    chainId: uint(a.get(ANCHOR.chainId), "anchor chainId"), contract: toHex(contract), checkpointIndex: uint(a.get(ANCHOR.checkpointIndex), "anchor checkpointIndex"),
    txHash: toHex32(txHash), blockNumber: uint(a.get(ANCHOR.blockNumber), "anchor blockNumber"),
  };
  const vdp = asMap(asMap(unprotected, "the unprotected header").get(LABEL.vdp), "vdp (label 396)");
  const proofs = vdp.get(LABEL.inclusionProof);
  if (!Array.isArray(proofs) || proofs.length !== 1 || !isBytes(proofs[0])) return malformed("vdp holds exactly one inclusion proof (label -1), a bstr");
  const proof = cbor(proofs[0], "the inclusion proof");
  if (!Array.isArray(proof) || proof.length !== 3) return malformed("an inclusion proof is [tree_size, leaf_index, inclusion_path]");
  const [treeSize, leafIndex, path] = proof as unknown[];
  if (!Array.isArray(path) || path.length === 0 || !path.every((h) => isBytes(h, 32))) return malformed("inclusion_path is a non-empty array of 32-byte hashes");
  return {
    protectedBytes, alg, signer: toHex(kid), anchor, leaf: toHex32(leaf),
    treeSize: uint(treeSize, "tree_size"), leafIndex: uint(leafIndex, "leaf_index"), path: path as Uint8Array[], signature,
  };
}
