// Reads of the stored tree: perfect-subtree hashes (level 0 from leaves, higher levels from merkle_nodes),
// fetched in one query per proof, so any proof for any stored size costs O(log n) row reads.
import type pg from "pg";
import {
  consistencyProofFromSubtrees, inclusionProofFromSubtrees, rangeProofFromSubtrees, rootFromSubtrees, subtreesForConsistency, subtreesForInclusion,
  subtreesForRange, subtreesForRoot, toHex32, type Hex32, type SubtreeId, multiProofFromSubtrees, subtreesForMulti,
} from "../../core/index.ts";

type Queryable = Pick<pg.Pool, "query">;

const key = (level: number, index: number) => `${level}:${index}`;

/** Hashes of the given subtrees, keyed "level:index"; missing ones are absent. */
export async function fetchSubtrees(db: Queryable, ids: readonly SubtreeId[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (ids.length === 0) return out;
  const res = await db.query<{ level: number; idx: number; hash: Buffer }>(
    `SELECT 0 AS level, idx, hash FROM leaves WHERE idx = ANY($1::bigint[])
     UNION ALL
     SELECT n.level, n.idx, n.hash FROM merkle_nodes n JOIN unnest($2::smallint[], $3::bigint[]) AS w(level, idx) USING (level, idx)`,
    [ids.filter((i) => i.level === 0).map((i) => i.index), ids.filter((i) => i.level > 0).map((i) => i.level), ids.filter((i) => i.level > 0).map((i) => i.index)],
  );
  for (const r of res.rows) out.set(key(r.level, r.idx), r.hash);
  return out;
}

const lookupIn = (m: Map<string, Buffer>) => (level: number, index: number) => m.get(key(level, index));

export async function storedRoot(db: Queryable, size: number): Promise<Buffer> {
  return rootFromSubtrees(size, lookupIn(await fetchSubtrees(db, subtreesForRoot(size))));
}

export async function storedInclusionProof(db: Queryable, index: number, size: number): Promise<Hex32[]> {
  const m = await fetchSubtrees(db, subtreesForInclusion(index, size));
  return inclusionProofFromSubtrees(index, size, lookupIn(m)).map(toHex32);
}

export async function storedConsistencyProof(db: Queryable, oldSize: number, newSize: number): Promise<Hex32[]> {
  const m = await fetchSubtrees(db, subtreesForConsistency(oldSize, newSize));
  return consistencyProofFromSubtrees(oldSize, newSize, lookupIn(m)).map(toHex32);
}

/** Range proof (docs/PROTOCOL.md §7.1) of the leaves [begin, end) in the tree of `size`. */
export async function storedRangeProof(db: Queryable, begin: number, end: number, size: number): Promise<Hex32[]> {
  const m = await fetchSubtrees(db, subtreesForRange(begin, end, size));
  return rangeProofFromSubtrees(begin, end, size, lookupIn(m)).map(toHex32);
}

/** Multi-leaf proof (docs/PROTOCOL.md §7.2) of the strictly increasing leaf `indexes` in the tree of `size`. */
export async function storedMultiProof(db: Queryable, indexes: readonly number[], size: number): Promise<Hex32[]> {
  const m = await fetchSubtrees(db, subtreesForMulti(indexes, size));
  return multiProofFromSubtrees(indexes, size, lookupIn(m)).map(toHex32);
}
