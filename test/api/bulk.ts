// Bulk synthetic v2 records for export and benchmark runs: inserted with SQL (not through ingest), contiguous
// leaves after the current log end, under ingest's log lock. Rows have the v2 shape (header columns, stream
// descriptor, salted body) so every route can answer them; each hash is its rebuilt header's (as migration 0110's
// records_header_rebuilds requires), but commitments, links and signatures are synthetic: fine for streaming,
// plans and timing, not for verification. Readings go to streams "tag-<i % 50>", events to
// "@events/pump-<i % 7>"; stream_seq is the device seq (unique per stream, gaps do not matter here).
import type pg from "pg";
import { LOG_LOCK } from "../../server/ingest/store.ts";
import { logSize } from "../../server/log/leaf-store.ts";

export type BulkOptions = { devices: string[]; count: number; perEnvelope?: number; eventEvery?: number; padding?: number };

/** Inserts `count` records spread round-robin over `devices` in envelopes of `perEnvelope`. Returns the first index. */
export async function insertBulkRecords(owner: pg.Pool, o: BulkOptions): Promise<number> {
  const per = o.perEnvelope ?? 1000;
  const client = await owner.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [...LOG_LOCK]);
    const base = await logSize(client);
    const devices = o.devices.map((d) => Buffer.from(d.slice(2), "hex"));
    await client.query(`CREATE TEMP TABLE bulk ON COMMIT DROP AS
      SELECT g AS i, $1::bytea[] AS devs FROM generate_series(0, $2::int - 1) g`, [devices, o.count]);
    // Envelope e holds records [e*per, (e+1)*per); every record of an envelope has the envelope's device.
    await client.query(`CREATE TEMP TABLE bulk_env ON COMMIT DROP AS
      SELECT e, nextval('envelopes_id_seq') AS id FROM generate_series(0, ($1::int - 1) / $2::int) e`, [o.count, per]);
    // Records first (the envelope foreign key is deferred), as ingest does.
    await client.query(`INSERT INTO records (device, seq, hash, prev, stream, stream_seq, stream_prev, kind, from_ts, to_ts, ts, envelope_id,
        body_commitment, stream_name, stream_salt, salt, body, samples, event_type, asset)
      SELECT x.dev, x.seq,
        sha256('\\x00'::bytea || convert_to(otledger_header_jcs(x.dev, x.seq, x.prev, x.stream, x.seq, x.prev, x.kind, x.ts, x.ts, x.ts, sha256(x.h)), 'UTF8')),
        x.prev, x.stream, x.seq, x.prev, x.kind, x.ts, x.ts, x.ts, x.env, sha256(x.h),
        x.name, substring(sha256(x.dev) from 1 for 16), substring(x.h from 1 for 16), x.body, CASE WHEN x.kind = 'reading' THEN 1 END,
        CASE WHEN x.kind = 'event' THEN 'maintenance' END, CASE WHEN x.kind = 'event' THEN 'pump-' || (x.i % 7) END
      FROM (
        SELECT y.*, sha256(y.dev || convert_to(y.name, 'UTF8')) AS stream,
          CASE WHEN y.kind = 'event'
            THEN jsonb_build_object('type', 'maintenance', 'asset', 'pump-' || (y.i % 7), 'workOrder', repeat('w', least($6::int, 128)), 'personal', '0x' || encode(sha256(y.h), 'hex'))
            ELSE jsonb_build_object('nodeId', 'ns=2;s=' || repeat('n', $6::int), 'unit', 'bar', 'value', jsonb_build_object('t', 'Double', 'v', y.i), 'status', 0)
          END AS body
        FROM (
          SELECT z.*, CASE WHEN z.kind = 'event' THEN '@events/pump-' || (z.i % 7) ELSE 'tag-' || (z.i % 50) END AS name,
                 CASE WHEN z.seq = 1 THEN NULL ELSE sha256(int8send(z.seq) || z.dev) END AS prev
          FROM (
            SELECT b.i, sha256(int8send($1::bigint + b.i)) AS h, ($2::bytea[])[1 + ((b.i / $3::int) % $4::int)] AS dev,
                   1 + (b.i / ($3::int * $4::int)) * $3::int + (b.i % $3::int) AS seq,
                   timestamptz '2026-01-01T00:00:00Z' + b.i * interval '1 second' AS ts,
                   CASE WHEN b.i % $5::int = 0 THEN 'event' ELSE 'reading' END AS kind, env.id AS env
            FROM bulk b JOIN bulk_env env ON env.e = b.i / $3::int) z) y) x`,
      [base, devices, per, devices.length, o.eventEvery ?? 10, o.padding ?? 100]);
    await client.query(`INSERT INTO envelopes (id, device, first_seq, count, records_root, last_hash, signature, first_index)
      SELECT b.id, ($1::bytea[])[1 + (b.e % $2::int)], 1 + (b.e / $2::int) * $3::int, least($3::int, $4::int - b.e * $3::int),
             sha256(int8send(b.e)), sha256(int8send(b.e + 1)), decode(repeat('00', 65), 'hex'), $5::bigint + b.e * $3::int
      FROM bulk_env b`, [devices, devices.length, per, o.count, base]);
    await client.query("COMMIT");
    return base;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
