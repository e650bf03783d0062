// Reads of the stored tree: perfect-subtree hashes fetched in one query per proof. Stored levels (migration 0110):
// merkle_nodes holds every complete perfect subtree of level >= STORED_FROM_LEVEL (8, the C2SP tlog-tiles tile
// height, so a level-8 multiple is a tile's hash); level 0 is derived from records (leaf-store.ts); levels 1..7
// are rebuilt here from their at most 256 leaves. Any proof for any stored size costs O(log n) node reads plus
// at most 2^8 leaf reads per level-8 block it touches.
import type pg from "pg";
import {
  consistencyProofFromSubtrees, inclusionProofFromSubtrees, rangeProofFromSubtrees, rootFromSubtrees, subtreesForConsistency, subtreesForInclusion,
  subtreesForRange, subtreesForRoot, toHex32, type Hex32, type SubtreeId, multiProofFromSubtrees, subtreesForMulti, nodeHash,
} from "../../core/index.ts";
import { LEAF_RANGE_SQL } from "./leaf-store.ts";

type Queryable = Pick<pg.Pool, "query">;

/** The lowest level merkle_nodes stores (its CHECK constraint says the same). */
export const STORED_FROM_LEVEL = 8;

const key = (level: number, index: number) => `${level}:${index}`;

/** Leaf ranges [begin, end) covering the given low subtrees, sorted and merged. */
function leafRangesFor(low: readonly SubtreeId[]): [number, number][] {
  const spans = low.map((i) => [i.index * 2 ** i.level, (i.index + 1) * 2 ** i.level] as [number, number]).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const s of spans) {
    const last = out.at(-1);
    if (last !== undefined && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

/** The perfect subtree (level, index) hashed up from its leaves, or undefined if any leaf is missing. */
function hashUp(leaves: Map<number, Buffer>, level: number, index: number): Buffer | undefined {
  let row: Buffer[] = [];
  for (let i = index * 2 ** level, end = (index + 1) * 2 ** level; i < end; i++) {
    const h = leaves.get(i);
    if (h === undefined) return undefined;
    row.push(h);
  }
  while (row.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < row.length; i += 2) up.push(nodeHash(row[i]!, row[i + 1]!));
    row = up;
  }
  return row[0];
}

/**
 * Hashes of the given subtrees, keyed "level:index"; missing ones (not complete in the log, or not yet
 * integrated at a stored level) are absent. Levels below STORED_FROM_LEVEL are rebuilt from leaves.
 */
export async function fetchSubtrees(db: Queryable, ids: readonly SubtreeId[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (ids.length === 0) return out;
  const low = ids.filter((i) => i.level < STORED_FROM_LEVEL), high = ids.filter((i) => i.level >= STORED_FROM_LEVEL);
  const ranges = leafRangesFor(low);
  const res = await db.query<{ level: number; idx: number; hash: Buffer }>(
    `SELECT 0 AS level, x.idx, x.hash FROM unnest($1::bigint[], $2::bigint[]) AS w(b, en) CROSS JOIN LATERAL (${LEAF_RANGE_SQL("w.b", "w.en")}) x
     UNION ALL
     SELECT n.level, n.idx, n.hash FROM merkle_nodes n JOIN unnest($3::smallint[], $4::bigint[]) AS w(level, idx) USING (level, idx)`,
    [ranges.map((r) => r[0]), ranges.map((r) => r[1]), high.map((i) => i.level), high.map((i) => i.index)],
  );
  const leaves = new Map<number, Buffer>();
  for (const r of res.rows) {
    if (r.level === 0) leaves.set(Number(r.idx), r.hash);
    else out.set(key(r.level, Number(r.idx)), r.hash);
  }
  for (const i of low) {
    const h = hashUp(leaves, i.level, i.index);
    if (h !== undefined) out.set(key(i.level, i.index), h);
  }
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
