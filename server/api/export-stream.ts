// GET /v1/export body: the otledger.export/2 NDJSON stream (docs/AUDIT-FORMAT.md) of the caller's scope.
// One REPEATABLE READ snapshot on one connection; records and leaves (derived: leaf-store.ts) come through server-side cursors
// (pg-query-stream) pulled by the HTTP stream, so memory stays constant at any size.
import type pg from "pg";
import QueryStream from "pg-query-stream";
import { bytesToHex } from "../db/bytes.ts";
import { LEAF_RANGE_SQL, logSize } from "../log/leaf-store.ts";
import type { LedgerContext } from "../context.ts";
import { exportDevices, exportCheckpoints } from "./export-meta.ts";
import { afterIndex, LEAF_INDEX, RECORDS_FROM, recordFilter } from "./records-query.ts";
import { STORED_COLUMNS, storedRecordJson, type StoredColumns } from "./stored-record.ts";
import type { ExportQuery } from "./schemas-export.ts";
import { Params, type Scope } from "./scope.ts";

export const EXPORT_FORMAT = "otledger.export/2" as const;
export const PROTOCOL_VERSION = "2" as const;
const LEAVES_CHUNK = 4096;

export type ExportCounts = { device: number; checkpoint: number; envelope: number; record: number; leaves: number };
type Row = StoredColumns & { leaf_index: number; hash: Buffer; envelope_id: number; received_at: Date; env_device: Buffer; first_seq: number; count: number; records_root: Buffer; last_hash: Buffer; signature: Buffer };

const line = (o: object) => JSON.stringify(o) + "\n";

async function* streamRows<T>(client: pg.PoolClient, sql: string, values: unknown[]): AsyncGenerator<T> {
  const stream = client.query(new QueryStream(sql, values, { batchSize: 2000 }));
  try {
    for await (const row of stream) yield row as T;
  } finally {
    stream.destroy();
  }
}

/** The export lines; `counts` is filled as they are produced (read it after the stream ends or is aborted). */
export async function* exportLines(ctx: LedgerContext, scope: Scope, q: ExportQuery, counts: ExportCounts): AsyncGenerator<string> {
  const client = await ctx.db.connect();
  let committed = false;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const treeSize = await logSize(client);
    const registryBlock = await ctx.chain.provider.getBlockNumber();
    const devicesAsked = q.device === undefined ? null : Array.isArray(q.device) ? q.device : [q.device];
    // An incremental audit resumes at a saved tree size: the range [fromIndex, treeSize) is still complete.
    const fromIndex = Math.min(q.fromIndex ?? 0, treeSize);
    const partial = !scope.full || q.from !== undefined || q.to !== undefined || devicesAsked !== null;
    yield line({
      type: "header", format: EXPORT_FORMAT, protocolVersion: PROTOCOL_VERSION, chainId: ctx.chain.chainId, contract: ctx.chain.contractAddress,
      range: { fromIndex, toIndex: treeSize, from: q.from ?? null, to: q.to ?? null, devices: devicesAsked },
      scope: partial ? "partial" : "full", treeSize, registryBlock, generatedAt: new Date().toISOString(),
    });
    for (const d of await exportDevices(client, ctx.chain, scope, devicesAsked, registryBlock)) { counts.device++; yield line(d); }
    for await (const c of exportCheckpoints(client, ctx.chain, q.receipts === true)) { counts.checkpoint++; yield line(c); }
    const p = new Params();
    const where = await recordFilter(client, { device: q.device, from: q.from, to: q.to }, scope, p);
    let lastEnvelope = -1;
    for await (const r of streamRows<Row>(client,
      `SELECT ${LEAF_INDEX} AS leaf_index, r.hash, ${STORED_COLUMNS}, r.envelope_id, e.received_at, e.device AS env_device, e.first_seq, e.count, e.records_root, e.last_hash, e.signature
       FROM ${RECORDS_FROM} WHERE ${where} AND e.first_index < ${p.add(treeSize)}::bigint${fromIndex > 0 ? ` AND ${afterIndex(fromIndex - 1, p)}` : ""} ORDER BY e.first_index, r.seq`, p.values)) {
      const envelope = `e-${r.envelope_id}`;
      const receivedAt = r.received_at.toISOString();
      if (Number(r.envelope_id) !== lastEnvelope) {
        lastEnvelope = Number(r.envelope_id);
        counts.envelope++;
        yield line({
          type: "envelope", id: envelope, receivedAt, signature: bytesToHex(r.signature),
          header: { device: bytesToHex(r.env_device), firstSeq: Number(r.first_seq), count: r.count, recordsRoot: bytesToHex(r.records_root), lastHash: bytesToHex(r.last_hash) },
        });
      }
      counts.record++;
      // The stored form: the header's JCS text (the hashed bytes) spliced in as is, with the openings the row still holds.
      yield `{"type":"record","index":${Number(r.leaf_index)},"hash":"${bytesToHex(r.hash)}","envelope":"${envelope}","receivedAt":"${receivedAt}","record":${storedRecordJson(r)}}\n`;
    }
    let chunk: string[] = [];
    let start = fromIndex;
    for await (const l of streamRows<{ hash: Buffer }>(client, LEAF_RANGE_SQL("$1::bigint", "$2::bigint"), [fromIndex, treeSize])) {
      chunk.push(bytesToHex(l.hash));
      if (chunk.length === LEAVES_CHUNK) {
        counts.leaves += chunk.length;
        yield line({ type: "leaves", start, hashes: chunk });
        start += chunk.length;
        chunk = [];
      }
    }
    if (chunk.length > 0) { counts.leaves += chunk.length; yield line({ type: "leaves", start, hashes: chunk }); }
    yield line({ type: "end", counts });
    await client.query("COMMIT");
    committed = true;
  } finally {
    // Aborted (client gone) or failed: drop the connection rather than return it with a cursor or transaction open.
    if (committed) client.release();
    else { await client.query("ROLLBACK").catch(() => {}); client.release(true); }
  }
}
