// The log's leaves, derived (migration 0110): leaf i is the hash of the record at envelope position
// i = first_index + (seq - first_seq). Envelopes are found by first_index (unique index), their records by the
// primary key (device, seq) range, so a range of n leaves costs one index range scan plus n primary-key fetches
// (envelope_id = e.id is a filter, so a second row for a (device, seq) can never pose as another envelope's leaf).
// Ingest assigns first_index under the log lock in commit order, so the visible leaves are always [0, logSize).
import type pg from "pg";
import { MAX_ENVELOPE_RECORDS } from "../../core/index.ts";

type Queryable = Pick<pg.Pool, "query">;

/** The log size: the end of the last envelope. */
export const LOG_SIZE_SQL = "SELECT coalesce((SELECT first_index + count FROM envelopes ORDER BY first_index DESC LIMIT 1), 0)";

/**
 * Leaves [$1, $2) in index order as (idx, hash). An envelope holding leaf $1 starts at most
 * MAX_ENVELOPE_RECORDS - 1 before it, which bounds the index scan from below.
 */
export const LEAF_RANGE_SQL = (begin: string, end: string) => `
  SELECT e.first_index + (r.seq - e.first_seq) AS idx, r.hash
  FROM envelopes e JOIN records r ON r.device = e.device AND r.envelope_id = e.id
    AND r.seq >= e.first_seq + greatest(${begin} - e.first_index, 0)
    AND r.seq < e.first_seq + least(${end} - e.first_index, e.count)
  WHERE e.first_index < ${end} AND e.first_index > ${begin} - ${MAX_ENVELOPE_RECORDS} AND e.first_index + e.count > ${begin}
  ORDER BY e.first_index, r.seq`;

export async function logSize(db: Queryable): Promise<number> {
  return Number((await db.query<{ n: string }>(`${LOG_SIZE_SQL} AS n`)).rows[0]!.n);
}

/** Hashes of leaves [begin, end) that exist, in order, with their indexes. */
export async function leafRange(db: Queryable, begin: number, end: number): Promise<{ idx: number; hash: Buffer }[]> {
  if (end <= begin) return [];
  const res = await db.query<{ idx: string; hash: Buffer }>(LEAF_RANGE_SQL("$1::bigint", "$2::bigint"), [begin, end]);
  return res.rows.map((r) => ({ idx: Number(r.idx), hash: r.hash }));
}

/** Hashes of leaves [begin, end), in order; throws unless every one exists. */
export async function leafHashes(db: Queryable, begin: number, end: number): Promise<Buffer[]> {
  const rows = await leafRange(db, begin, end);
  if (rows.length !== end - begin) throw new Error(`leaves ${begin}..${end - 1}: ${rows.length} of ${end - begin} found`);
  return rows.map((r) => r.hash);
}
