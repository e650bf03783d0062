// Stores one verified v2 envelope in one transaction, after checking it continues the device's chain and each
// of its streams' chains (stream-heads.ts). Two advisory locks, always in this order: the device's (serialises
// its device and stream head checks across replicas: every stream belongs to one device) and the log's (taken last, after the bulk insert, and held to commit, so leaf indexes are contiguous and follow
// commit order: a reader that sees leaf i sees every leaf below i).
import type pg from "pg";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import { LOG_SIZE_SQL } from "../log/leaf-store.ts";
import { IngestError } from "./errors.ts";
import { buildReceipt, type Receipt } from "./receipt.ts";
import { copyRecords } from "./record-rows.ts";
import { checkStreamHeads } from "./stream-heads.ts";
import type { VerifiedEnvelope } from "./verify.ts";

export const DEVICE_LOCK_CLASS = 0x6f746c01;
export const LOG_LOCK = [0x6f746c02, 0] as const;

export type StoreOutcome = { status: 201 | 200; receipt: Receipt };

type Head = { seq: number; hash: string | null };

/** Commits the envelope (201), recognises an exact replay (200, nothing written) or throws a 409 IngestError. */
export async function storeEnvelope(pool: pg.Pool, verified: VerifiedEnvelope): Promise<StoreOutcome> {
  const client = await pool.connect();
  let outcome: StoreOutcome;
  try {
    await client.query("BEGIN");
    try {
      outcome = await storeInTransaction(client, verified);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    }
  } catch (err) {
    client.release();
    if (err instanceof IngestError && err.code === "equivocation") await keepEvidence(pool, verified, err);
    throw err;
  }
  client.release();
  return outcome;
}

async function storeInTransaction(client: pg.PoolClient, v: VerifiedEnvelope): Promise<StoreOutcome> {
  const prepared = await prepareEnvelope(client, v);
  if (prepared.status === 200) return prepared;
  await client.query("SELECT pg_advisory_xact_lock($1, $2)", [...LOG_LOCK]);
  return sequenceEnvelope(client, v, prepared.id);
}

export type Prepared = StoreOutcome & { status: 200 } | { status: 201; id: number };

/**
 * Inside a transaction: takes the device lock, checks the device chain and every stream chain continue (or
 * recognises a replay, or throws a 409), and writes the records. The bulk goes in here, outside the log lock, so envelopes write in parallel.
 */
export async function prepareEnvelope(client: pg.PoolClient, v: VerifiedEnvelope): Promise<Prepared> {
  const { header, records } = v.envelope;
  const device = hexToBytes(header.device);
  await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [DEVICE_LOCK_CLASS, header.device]);
  const head = await deviceHead(client, device);
  if (header.firstSeq <= head.seq) return replayOrConflict(client, v, device, head);
  if (header.firstSeq > head.seq + 1) {
    throw new IngestError(409, "seq_gap", `records ${head.seq + 1}..${header.firstSeq - 1} are missing`, ["header", "firstSeq"], expectation(head));
  }
  if (records[0]!.header.prev !== head.hash) {
    throw new IngestError(409, "prev_mismatch", "records[0].header.prev is not the hash of the device's last stored record", ["records", 0, "header", "prev"], expectation(head));
  }
  await checkStreamHeads(client, v);
  const id = (await client.query<{ id: number }>("SELECT nextval('envelopes_id_seq') AS id")).rows[0]!.id;
  await copyRecords(client, id, v);
  return { status: 201, id };
}

/** With the log lock held (to commit): the envelope row with its first leaf index (its records are its leaves, leaf-store.ts). */
export async function sequenceEnvelope(client: pg.PoolClient, v: VerifiedEnvelope, id: number): Promise<StoreOutcome> {
  const { header, signature } = v.envelope;
  const res = await client.query<{ first_index: number }>(INSERT_ENVELOPE, [
    id, hexToBytes(header.device), header.firstSeq, header.count, hexToBytes(header.recordsRoot), hexToBytes(header.lastHash), hexToBytes(signature),
  ]);
  return { status: 201, receipt: buildReceipt(header, v.hashes, res.rows[0]!.first_index) };
}

const INSERT_ENVELOPE = `
INSERT INTO envelopes (id, device, first_seq, count, records_root, last_hash, signature, first_index)
VALUES ($1, $2, $3, $4, $5, $6, $7, (${LOG_SIZE_SQL}))
RETURNING first_index`;

async function replayOrConflict(client: pg.PoolClient, v: VerifiedEnvelope, device: Buffer, head: Head): Promise<StoreOutcome & { status: 200 }> {
  const { header } = v.envelope;
  const same = await client.query<{ first_index: number }>(
    "SELECT first_index FROM envelopes WHERE device = $1 AND first_seq = $2 AND count = $3 AND records_root = $4 AND last_hash = $5",
    [device, header.firstSeq, header.count, hexToBytes(header.recordsRoot), hexToBytes(header.lastHash)],
  );
  const replayed = same.rows[0];
  if (replayed !== undefined) return { status: 200, receipt: buildReceipt(header, v.hashes, replayed.first_index) };
  const lastSeq = header.firstSeq + header.count - 1;
  const stored = await client.query<{ seq: number; hash: Buffer; envelope_id: number }>(
    "SELECT seq, hash, envelope_id FROM records WHERE device = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq",
    [device, header.firstSeq, lastSeq],
  );
  for (const row of stored.rows) {
    const i = row.seq - header.firstSeq;
    const existingHash = bytesToHex(row.hash);
    if (existingHash !== v.hashes[i]) {
      throw new IngestError(409, "equivocation", `seq ${row.seq} is already taken by a different record`, ["records", i], {
        ...expectation(head), seq: row.seq, existingHash, conflictingHash: v.hashes[i], existingEnvelopeId: row.envelope_id,
      });
    }
  }
  throw new IngestError(409, "seq_overlap", `records up to seq ${head.seq} are already stored`, ["header", "firstSeq"], expectation(head));
}

/** Equivocation evidence outlives the rejected submission: its own transaction, after the rollback. */
export async function keepEvidence(pool: pg.Pool, v: VerifiedEnvelope, err: IngestError): Promise<void> {
  const d = err.details as { seq: number; existingHash: string; conflictingHash: string; existingEnvelopeId: number };
  await pool.query(
    `INSERT INTO equivocations (device, seq, existing_hash, conflicting_hash, existing_envelope_id, conflicting_envelope)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [hexToBytes(v.envelope.header.device), d.seq, hexToBytes(d.existingHash), hexToBytes(d.conflictingHash), d.existingEnvelopeId, JSON.stringify(v.envelope)],
  );
}

function expectation(head: Head): Record<string, unknown> {
  return { expectedSeq: head.seq + 1, lastHash: head.hash };
}

async function deviceHead(client: pg.PoolClient, device: Buffer): Promise<Head> {
  const res = await client.query<{ seq: number; hash: Buffer }>("SELECT seq, hash FROM records WHERE device = $1 ORDER BY seq DESC LIMIT 1", [device]);
  const row = res.rows[0];
  return row === undefined ? { seq: 0, hash: null } : { seq: row.seq, hash: bytesToHex(row.hash) };
}
