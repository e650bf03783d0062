// The COSE Receipt profile (docs/PROTOCOL.md §13): labels, the signed bytes, and the strict decoding of a
// receipt into its parts. CBOR is cbor2 (pure JS); the protected header is encoded deterministically (RFC 8949
// §4.2.1) so that one receipt content has one byte string, and the verifier checks the bytes it was given.
import { decode, encode, Tag, cdeEncodeOptions } from "cbor2";
import { sha256 } from "../hash.ts";

export const COSE_SIGN1_TAG = 18;
/** RFC 9052 header labels, RFC 9942 `vds`/`vdp`, and this profile's private-use labels (< -65536). */
export const LABEL = { alg: 1, kid: 4, vds: 395, vdp: 396, inclusionProof: -1, anchor: -65537, leaf: -65538 } as const;
/** ES256K: ECDSA on secp256k1 with SHA-256 (RFC 8812 §3.2). */
export const ALG_ES256K = -47;
/** RFC9162_SHA256 (RFC 9942 §5.1). */
export const VDS_RFC9162_SHA256 = 1;
/** Keys of the anchor map (label -65537). */
export const ANCHOR = { chainId: 1, contract: 2, checkpointIndex: 3, txHash: 4, blockNumber: 5 } as const;

export type AnchorRef = { chainId: number; contract: string; checkpointIndex: number; txHash: string; blockNumber: number };
export type InclusionProofParts = { treeSize: number; leafIndex: number; path: Uint8Array[] };

/** A plain Uint8Array view (cbor2 encodes a Buffer as an object, not as a bstr). */
export const bstr = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
export const encodeCbor = (value: unknown): Uint8Array => encode(value, cdeEncodeOptions);
/** Decodes exactly one CBOR item (trailing bytes throw), maps as Map so integer labels survive. */
export const decodeCbor = (bytes: Uint8Array): unknown => decode(bytes, { preferMap: true });

/** RFC 9052 §4.4 Sig_structure for COSE_Sign1 with empty external_aad; ES256K signs SHA-256 of it. */
export function toBeSigned(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(["Signature1", bstr(protectedBytes), new Uint8Array(0), bstr(payload)]);
}
export const signingDigest = (protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array => sha256(toBeSigned(protectedBytes, payload));

export { Tag };
