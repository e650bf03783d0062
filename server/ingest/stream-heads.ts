// The per-stream half of the chain check (PROTOCOL §8): for each stream an envelope touches, its first record
// must continue the stream's stored head — (streamSeq − 1, streamPrev, head.to ≤ from) — and the device must not
// already use another stream id for that name. Runs inside the envelope's transaction, under the device lock:
// a stream belongs to one device, so that lock already serialises every writer of its head (two envelopes of a
// device never check the same stream head concurrently, across replicas too).
import type pg from "pg";
import type { Hex32 } from "../../core/index.ts";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import { IngestError } from "./errors.ts";
import type { VerifiedEnvelope } from "./verify.ts";

type StoredHead = { streamSeq: number; hash: Hex32; to: string };

/** Throws a 409 IngestError (stream_name_conflict, stream_seq_gap, stream_prev_mismatch, stream_time_order) for the first stream that does not continue. */
export async function checkStreamHeads(client: pg.PoolClient, v: VerifiedEnvelope): Promise<void> {
  const device = hexToBytes(v.envelope.header.device);
  const streams = [...v.streams].sort((a, b) => a.first.index - b.first.index);
  const ids = streams.map((s) => hexToBytes(s.stream));
  const [heads, conflicts] = await Promise.all([
    storedHeads(client, device, ids),
    otherIdsForNames(client, device, streams.map((s) => s.name), ids),
  ]);
  for (const s of streams) {
    const i = s.first.index;
    const storedStream = conflicts.get(s.name);
    if (storedStream !== undefined) {
      throw new IngestError(409, "stream_name_conflict", `the device already has stream ${JSON.stringify(s.name)} under another id`, ["records", i, "stream", "name"],
        { name: s.name, storedStream, gotStream: s.stream });
    }
    const head = heads.get(s.stream);
    const expectedStreamSeq = (head?.streamSeq ?? 0) + 1;
    if (s.first.streamSeq !== expectedStreamSeq) {
      throw new IngestError(409, "stream_seq_gap", `stream ${s.stream} continues at streamSeq ${expectedStreamSeq}`, ["records", i, "header", "streamSeq"],
        { stream: s.stream, expectedStreamSeq, gotStreamSeq: s.first.streamSeq });
    }
    const expectedStreamPrev = head?.hash ?? null;
    if (s.first.streamPrev !== expectedStreamPrev) {
      throw new IngestError(409, "stream_prev_mismatch", `streamPrev is not the hash of stream ${s.stream}'s last stored record`, ["records", i, "header", "streamPrev"],
        { stream: s.stream, expectedStreamPrev });
    }
    // Canonical timestamps (same width, UTC) compare as strings in time order.
    if (head !== undefined && s.first.from < head.to) {
      throw new IngestError(409, "stream_time_order", `the record starts before stream ${s.stream}'s last stored record ends`, ["records", i, "header", "from"],
        { stream: s.stream, headTo: head.to, from: s.first.from });
    }
  }
}

/** The stored head (max stream_seq row) of each stream: one backward scan of (device, stream, stream_seq) per stream. */
async function storedHeads(client: pg.PoolClient, device: Buffer, ids: Buffer[]): Promise<Map<Hex32, StoredHead>> {
  const res = await client.query<{ stream: Buffer; stream_seq: number; hash: Buffer; to: string }>(
    `SELECT s.id AS stream, h.stream_seq, h.hash, otledger_ts(h.to_ts) AS to
     FROM unnest($2::bytea[]) AS s(id)
     CROSS JOIN LATERAL (SELECT stream_seq, hash, to_ts FROM records WHERE device = $1 AND stream = s.id ORDER BY stream_seq DESC LIMIT 1) h`,
    [device, ids],
  );
  // `to` is spelled as the hashed header spelled it (otledger_ts is the header rebuild's own spelling).
  return new Map(res.rows.map((r) => [bytesToHex(r.stream) as Hex32, { streamSeq: r.stream_seq, hash: bytesToHex(r.hash) as Hex32, to: r.to }]));
}

/** Per name of the envelope, a stream id the device already stored for it other than the envelope's. */
async function otherIdsForNames(client: pg.PoolClient, device: Buffer, names: string[], ids: Buffer[]): Promise<Map<string, Hex32>> {
  const res = await client.query<{ name: string; stream: Buffer }>(
    `SELECT n.name, o.stream
     FROM unnest($2::text[], $3::bytea[]) AS n(name, id)
     CROSS JOIN LATERAL (SELECT stream FROM records WHERE device = $1 AND stream_name = n.name AND stream_seq = 1 AND stream <> n.id LIMIT 1) o`,
    [device, names, ids],
  );
  return new Map(res.rows.map((r) => [r.name, bytesToHex(r.stream) as Hex32]));
}
