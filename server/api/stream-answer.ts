// Stream answers (docs/PROTOCOL.md §11.2) built from the database at the latest anchored checkpoint: the
// in-window records of one (device, stream name) in stored form, the boundary stubs just outside the window
// (shown whatever the grant window: stubs reveal no body), and one multi-leaf proof from stored subtrees.
// Only leaves below the checkpoint's treeSize are used, so the answer is complete "as anchored at" it.
// Not yet wired to a route (GET /v1/streams/{device}/{name}/answer is the next step); scope is the caller's job.
import type pg from "pg";
import { stubOf, type FullRecord, type StreamAnswer, type StreamEntry } from "../../core/index.ts";
import type { ChainConnection } from "../chain/connection.ts";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import { storedMultiProof } from "../log/merkle-store.ts";
import { latestAnchored } from "./checkpoints-db.ts";
import { LEAF_INDEX, RECORDS_FROM } from "./records-query.ts";
import { STORED_COLUMNS, storedRecord, type StoredColumns } from "./stored-record.ts";

type Db = Pick<pg.Pool, "query">;
/** The stream id(s) of device $1's name $2, from each stream's first record (index records_stream_name, migration 0110): the
 * stream's records then come by (device, stream, stream_seq), never by a scan of the device's records. */
export const STREAM_OF_NAME = "SELECT f.stream FROM records f WHERE f.device = $1 AND f.stream_name = $2 AND f.stream_seq = 1";
type Row = StoredColumns & { leaf_index: string | number };
export type StreamAnswerRequest = { device: string; name: string; from: string; to: string; limit: number };
export type StreamAnswerPending = { status: "pending" };

const entry = (r: Row): StreamEntry => ({ index: Number(r.leaf_index), record: storedRecord(r) });
const stubEntry = (r: Row | undefined): StreamEntry | null => {
  if (r === undefined) return null;
  const e = entry(r);
  return { index: e.index, record: stubOf(e.record as FullRecord) };
};

export async function buildStreamAnswer(db: Db, chain: ChainConnection, q: StreamAnswerRequest): Promise<StreamAnswer | StreamAnswerPending | undefined> {
  const checkpoint = await latestAnchored(db, chain);
  if (checkpoint === undefined) return { status: "pending" };
  const base = `SELECT ${LEAF_INDEX} AS leaf_index, ${STORED_COLUMNS} FROM ${RECORDS_FROM}
    WHERE r.device = $1 AND r.stream IN (${STREAM_OF_NAME}) AND r.stream_name = $2 AND ${LEAF_INDEX} < $3`;
  const args = [hexToBytes(q.device), q.name, checkpoint.treeSize];
  const [inside, before, after] = await Promise.all([
    db.query<Row>(`${base} AND r.from_ts < $4::timestamptz AND r.to_ts >= $5::timestamptz ORDER BY r.stream_seq LIMIT $6`, [...args, q.to, q.from, q.limit + 1]),
    db.query<Row>(`${base} AND r.to_ts < $4::timestamptz ORDER BY r.stream_seq DESC LIMIT 1`, [...args, q.from]),
    db.query<Row>(`${base} AND r.from_ts >= $4::timestamptz ORDER BY r.stream_seq LIMIT 1`, [...args, q.to]),
  ]);
  const all = [...before.rows, ...inside.rows, ...after.rows];
  if (all.length === 0) return undefined; // no anchored record of this stream
  const truncated = inside.rows.length > q.limit;
  const records = inside.rows.slice(0, q.limit).map(entry);
  const b = stubEntry(before.rows[0]);
  const a = truncated ? stubEntry(inside.rows[q.limit]) : stubEntry(after.rows[0]);
  const indexes = [b, ...records, a].filter((e) => e !== null).map((e) => e.index);
  const first = records[0] ?? b ?? a!;
  return {
    version: "otledger.stream-answer/1", device: q.device,
    stream: first.record.stream ?? { name: q.name, salt: bytesToHex(all[0]!.stream_salt) },
    window: { from: q.from, to: q.to }, before: b, records, after: a, truncated,
    anchor: {
      chainId: Number(chain.chainId), contract: chain.contractAddress.toLowerCase(), checkpointIndex: checkpoint.index, treeSize: checkpoint.treeSize,
      root: checkpoint.root, txHash: checkpoint.txHash, blockNumber: checkpoint.blockNumber,
    },
    proof: await storedMultiProof(db, indexes, checkpoint.treeSize),
  };
}
