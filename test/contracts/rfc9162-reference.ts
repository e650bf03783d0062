// Independent RFC 9162 oracle for the contract tests, written straight from the RFC's recursive definitions
// (MTH §2.1.1, PATH §2.1.3.1, SUBPROOF §2.1.4.1) and its consistency verification (§2.1.4.2): it checks
// core's proofs and predicts the roots the contract computes from a tampered proof.
import { createHash } from "node:crypto";

const sha256 = (...parts: Uint8Array[]): Buffer => createHash("sha256").update(Buffer.concat(parts)).digest();
export const refLeaf = (data: Uint8Array): Buffer => sha256(Buffer.from([0]), data);
export const refNode = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Buffer.from([1]), l, r);

const split = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);

export function refRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return refNode(refRoot(leaves.slice(0, k)), refRoot(leaves.slice(k)));
}

export function refPath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...refPath(m, leaves.slice(0, k)), refRoot(leaves.slice(k))]
    : [...refPath(m - k, leaves.slice(k)), refRoot(leaves.slice(0, k))];
}

function subproof(m: number, leaves: Buffer[], complete: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return complete ? [] : [refRoot(leaves)];
  const k = split(n);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), complete), refRoot(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), refRoot(leaves.slice(0, k))];
}

export const refConsistency = (m: number, leaves: Buffer[]): Buffer[] => subproof(m, leaves, true);

/** §2.1.4.2 steps 1–7 without the final comparisons: the (old, new) roots a path leads to, or null if malformed. */
export function refReplayConsistency(m: bigint, n: bigint, oldRoot: Buffer, path: Buffer[]): [Buffer, Buffer] | null {
  if (path.length === 0) return null;
  const nodes = (m & (m - 1n)) === 0n ? [oldRoot, ...path] : path;
  let fn = m - 1n;
  let sn = n - 1n;
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = nodes[0]!;
  let sr = fr;
  for (const c of nodes.slice(1)) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = refNode(c, fr);
      sr = refNode(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = refNode(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? [fr, sr] : null;
}
