// Queries of erasure (issue 12): the target's row, the erasure records in the log, and the one call of the
// privileged path (otledger_erase, migration 0102) that clears openings. An erasure record whose target still
// holds what it erases is "pending": the process stopped between committing the record and clearing (or the
// clearing failed); finishPendingErasures, run at startup, and a retry of the same request both finish it.
import type pg from "pg";
import type { ErasureBody } from "../../core/index.ts";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";

type Db = Pick<pg.Pool, "query">;

export type TargetRow = { index: number; hash: string; device: string; seq: number; kind: string; hasBody: boolean; hasPersonal: boolean };
export type ErasureJson = ErasureBody & { index: number; hash: string; at: string; cleared: boolean };

export async function targetRow(db: Db, hash: string): Promise<TargetRow | undefined> {
  const res = await db.query<{ leaf_index: number; hash: Buffer; device: Buffer; seq: number; kind: string; has_body: boolean; has_personal: boolean }>(
    "SELECT leaf_index, hash, device, seq, kind, body IS NOT NULL AS has_body, personal IS NOT NULL AS has_personal FROM records_indexed WHERE hash = $1",
    [hexToBytes(hash)]);
  const r = res.rows[0];
  return r === undefined ? undefined : { index: Number(r.leaf_index), hash: bytesToHex(r.hash), device: bytesToHex(r.device), seq: Number(r.seq), kind: r.kind, hasBody: r.has_body, hasPersonal: r.has_personal };
}

/** Erasure records with whether their target no longer holds what they erase. */
const ERASURES = `
SELECT e.leaf_index, e.hash, e.body, e.ts,
       CASE WHEN e.body->>'scope' = 'body' THEN t.body IS NULL AND t.personal IS NULL ELSE t.personal IS NULL END AS cleared
FROM records_indexed e LEFT JOIN records t ON t.hash = decode(substr(e.body->>'target', 3), 'hex')
WHERE e.kind = 'erasure'`;

type ErasureRow = { leaf_index: number; hash: Buffer; body: ErasureBody; ts: Date; cleared: boolean | null };
const toJson = (r: ErasureRow): ErasureJson => ({ index: Number(r.leaf_index), hash: bytesToHex(r.hash), ...r.body, at: r.ts.toISOString(), cleared: r.cleared === true });

/** The erasure records of one target, oldest first. */
export async function erasuresOf(db: Db, target: string): Promise<ErasureJson[]> {
  const res = await db.query<ErasureRow>(`${ERASURES} AND e.body->>'target' = $1 ORDER BY e.leaf_index`, [target]);
  return res.rows.map(toJson);
}

/** Erasure records after leaf `after`, in log order. */
export async function listErasures(db: Db, after: number, limit: number): Promise<ErasureJson[]> {
  const res = await db.query<ErasureRow>(`${ERASURES} AND e.body->>'target' IS NOT NULL AND e.leaf_index > $1 ORDER BY e.leaf_index LIMIT $2`, [after, limit]);
  return res.rows.map(toJson);
}

/** The privileged path: clears what `erasure` erases of its target (true if anything was still there). */
export async function clearOpenings(db: Db, erasure: Pick<ErasureJson, "target" | "scope" | "hash">): Promise<boolean> {
  const res = await db.query<{ changed: boolean }>("SELECT otledger_erase($1, $2, $3) AS changed", [hexToBytes(erasure.target), erasure.scope, hexToBytes(erasure.hash)]);
  return res.rows[0]!.changed;
}

/** Finishes every pending erasure (after a crash between the record and the clearing); answers how many. */
export async function finishPendingErasures(db: Db): Promise<number> {
  const res = await db.query<ErasureRow>(`${ERASURES} AND t.hash IS NOT NULL AND NOT (CASE WHEN e.body->>'scope' = 'body' THEN t.body IS NULL AND t.personal IS NULL ELSE t.personal IS NULL END) ORDER BY e.leaf_index`);
  let n = 0;
  for (const r of res.rows) if (await clearOpenings(db, toJson(r))) n++;
  return n;
}
