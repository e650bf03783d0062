// RFC 9162 hashing: SHA-256 with domain separation 0x00 for leaves and 0x01 for interior nodes.
import { hash } from "node:crypto";

const LEAF_PREFIX = Buffer.from([0x00]);

/** SHA-256 of bytes, as a Buffer. */
export function sha256(data: Uint8Array): Buffer {
  return hash("sha256", data, "buffer");
}

/** MTH of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = sha256(new Uint8Array(0));

/** RFC 9162 leaf hash: SHA-256(0x00 ‖ data). */
export function leafHash(data: Uint8Array): Buffer {
  return sha256(Buffer.concat([LEAF_PREFIX, data]));
}

const nodeScratch = Buffer.alloc(65);
/** RFC 9162 interior hash: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) throw new RangeError("node hash children must be 32 bytes each");
  nodeScratch[0] = 0x01;
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 33);
  return sha256(nodeScratch);
}
