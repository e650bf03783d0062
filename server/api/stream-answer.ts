// Stream answers (docs/PROTOCOL.md §11.2) built from the database at the latest anchored checkpoint: the
// in-window records of one (device, stream name), the boundary stubs just outside the window (shown whatever the
// grant: stubs reveal no body), and one multi-leaf proof from stored subtrees. Only leaves below the checkpoint's
// treeSize are used, so the answer is complete "as anchored at" it. A record is served in its stored form only if
// the caller's whole scope condition holds for it (a per-row flag from scope.ts's SQL), else as a stub: no window
// or kind limit can then leak a body. The window itself is clipped by the caller (stream-window.ts).
import type pg from "pg";
import { stubOf, type StreamAnswer, type StreamEntry } from "../../core/index.ts";
import type { ChainConnection } from "../chain/connection.ts";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import { storedMultiProof } from "../log/merkle-store.ts";
import { latestAnchored } from "./checkpoints-db.ts";
import { LEAF_INDEX, RECORDS_FROM } from "./records-query.ts";
import { FULL_SCOPE, Params, scopeCondition, type Scope } from "./scope.ts";
import { STORED_COLUMNS, storedRecord, type StoredColumns } from "./stored-record.ts";

type Db = Pick<pg.Pool, "query">;
/** The stream id(s) of device $1's name $2, from each stream's first record (index records_stream_name, migration 0110): the
 * stream's records then come by (device, stream, stream_seq), never by a scan of the device's records. */
export const STREAM_OF_NAME = "SELECT f.stream FROM records f WHERE f.device = $1 AND f.stream_name = $2 AND f.stream_seq = 1";
type Row = StoredColumns & { leaf_index: string | number; stream_seq: number; in_scope: boolean };
/** `afterSeq`: skip records with streamSeq ≤ it (a cursor page: the page before ended there). */
export type StreamAnswerRequest = { device: string; name: string; from: string; to: string; limit: number; afterSeq?: number };
export type StreamAnswerPending = { status: "pending" };

const entry = (r: Row): StreamEntry => {
  const record = storedRecord(r);
  return { index: Number(r.leaf_index), record: r.in_scope ? record : stubOf(record) };
};
const stubEntry = (r: Row | undefined): StreamEntry | null => (r === undefined ? null : { index: Number(r.leaf_index), record: stubOf(storedRecord(r)) });

/** The answer; pending when the stream's in-scope records are all unanchored; undefined when it has none (404). */
export async function buildStreamAnswer(db: Db, chain: ChainConnection, q: StreamAnswerRequest, scope: Scope = FULL_SCOPE): Promise<StreamAnswer | StreamAnswerPending | undefined> {
  const checkpoint = await latestAnchored(db, chain);
  const p = new Params();
  // $1 = device, $2 = name: the first two parameters, as STREAM_OF_NAME expects
  const stream = `r.device = ${p.add(hexToBytes(q.device))} AND r.stream_name = ${p.add(q.name)} AND r.stream IN (${STREAM_OF_NAME})`;
  const inScope = scopeCondition(scope, p);
  const treeSize = p.add(checkpoint?.treeSize ?? 0);
  const known = await db.query<{ anchored: boolean }>(`SELECT ${LEAF_INDEX} < ${treeSize}::bigint AS anchored FROM ${RECORDS_FROM}
    WHERE ${stream} AND ${inScope} ORDER BY r.stream_seq LIMIT 1`, p.values);
  if (known.rows[0] === undefined) return undefined;
  if (checkpoint === undefined || !known.rows[0].anchored) return { status: "pending" };

  const base = `SELECT ${LEAF_INDEX} AS leaf_index, r.stream_seq, (${inScope}) AS in_scope, ${STORED_COLUMNS} FROM ${RECORDS_FROM}
    WHERE ${stream} AND ${LEAF_INDEX} < ${treeSize}::bigint`;
  const ask = (extra: string, args: unknown[]) => db.query<Row>(`${base} ${extra}`, [...p.values, ...args]);
  const n = p.values.length;
  const [inside, before, after] = await Promise.all([
    ask(`AND r.from_ts < $${n + 1}::timestamptz AND r.to_ts >= $${n + 2}::timestamptz AND r.stream_seq > $${n + 3} ORDER BY r.stream_seq LIMIT $${n + 4}`, [q.to, q.from, q.afterSeq ?? 0, q.limit + 1]),
    ask(`AND r.to_ts < $${n + 1}::timestamptz ORDER BY r.stream_seq DESC LIMIT 1`, [q.from]),
    ask(`AND r.from_ts >= $${n + 1}::timestamptz ORDER BY r.stream_seq LIMIT 1`, [q.to]),
  ]);
  const all = [...before.rows, ...inside.rows, ...after.rows];
  if (all.length === 0) return { status: "pending" }; // in scope and anchored, yet nothing below treeSize: a race with a new checkpoint
  const truncated = inside.rows.length > q.limit;
  const records = inside.rows.slice(0, q.limit).map(entry);
  const b = stubEntry(before.rows[0]);
  const a = truncated ? stubEntry(inside.rows[q.limit]) : stubEntry(after.rows[0]);
  const indexes = [b, ...records, a].filter((e) => e !== null).map((e) => e.index);
  return {
    version: "otledger.stream-answer/1", device: q.device,
    stream: { name: q.name, salt: bytesToHex(all[0]!.stream_salt) },
    window: { from: q.from, to: q.to }, before: b, records, after: a, truncated,
    anchor: {
      chainId: Number(chain.chainId), contract: chain.contractAddress.toLowerCase(), checkpointIndex: checkpoint.index, treeSize: checkpoint.treeSize,
      root: checkpoint.root, txHash: checkpoint.txHash, blockNumber: checkpoint.blockNumber,
    },
    proof: await storedMultiProof(db, indexes, checkpoint.treeSize),
  };
}
