// Test oracle: RFC 9162 §2.1 written as literally as possible (recursive MTH, PATH, PROOF/SUBPROOF),
// independent of core's flat-buffer tree and subtree decomposition. Slow on purpose: clarity over speed.
import { createHash } from "node:crypto";

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
export const refLeafHash = (d: Uint8Array) => sha256(Buffer.from([0]), d);
const node = (l: Buffer, r: Buffer) => sha256(Buffer.from([1]), l, r);
/** k: the largest power of two smaller than n (n > 1). */
const kOf = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

/** MTH over leaf hashes (the leaves are given already hashed). */
export function refRoot(leaves: Buffer[]): Buffer {
  const n = leaves.length;
  if (n === 0) return sha256();
  if (n === 1) return leaves[0]!;
  const k = kOf(n);
  return node(refRoot(leaves.slice(0, k)), refRoot(leaves.slice(k)));
}

/** PATH(m, D[n]) of RFC 9162 §2.1.3.1. */
export function refPath(m: number, leaves: Buffer[]): Buffer[] {
  const n = leaves.length;
  if (n === 1) return [];
  const k = kOf(n);
  if (m < k) return [...refPath(m, leaves.slice(0, k)), refRoot(leaves.slice(k))];
  return [...refPath(m - k, leaves.slice(k)), refRoot(leaves.slice(0, k))];
}

function subproof(m: number, leaves: Buffer[], b: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [refRoot(leaves)];
  const k = kOf(n);
  if (m <= k) return [...subproof(m, leaves.slice(0, k), b), refRoot(leaves.slice(k))];
  return [...subproof(m - k, leaves.slice(k), false), refRoot(leaves.slice(0, k))];
}

/** PROOF(m, D[n]) of RFC 9162 §2.1.4.1 (empty for m = 0 or m = n). */
export function refConsistency(m: number, leaves: Buffer[]): Buffer[] {
  if (m === 0 || m === leaves.length) return [];
  return subproof(m, leaves, true);
}
