// Where the service key's next record attaches: its device chain (shared by the access log and the erasure log)
// and one of its streams (@access, @erasure), read back from the stored records. A stream's salt is picked once,
// when its first record is written, and kept for the stream's life (it is in every record of the stream).
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { Hex32 } from "../../core/index.ts";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import { STREAM_OF_NAME } from "./stream-answer.ts";

export type ServiceHeads = { seq: number; prev: Hex32 | null; salt: string; streamSeq: number; streamPrev: Hex32 | null; lastTo: number };

export const newSalt = (): string => "0x" + randomBytes(16).toString("hex");

export async function loadServiceHeads(db: pg.Pool, address: string, streamName: string): Promise<ServiceHeads> {
  const device = hexToBytes(address);
  const [dev, stream] = await Promise.all([
    db.query<{ seq: string; hash: Buffer }>("SELECT seq, hash FROM records WHERE device = $1 ORDER BY seq DESC LIMIT 1", [device]),
    db.query<{ stream_seq: string; hash: Buffer; stream_salt: Buffer; to_ts: Date }>(
      `SELECT stream_seq, hash, stream_salt, to_ts FROM records WHERE device = $1 AND stream IN (${STREAM_OF_NAME}) ORDER BY stream_seq DESC LIMIT 1`, [device, streamName]),
  ]);
  const d = dev.rows[0], s = stream.rows[0];
  return {
    seq: d === undefined ? 0 : Number(d.seq), prev: d === undefined ? null : (bytesToHex(d.hash) as Hex32),
    salt: s === undefined ? newSalt() : bytesToHex(s.stream_salt),
    streamSeq: s === undefined ? 0 : Number(s.stream_seq), streamPrev: s === undefined ? null : (bytesToHex(s.hash) as Hex32),
    lastTo: s === undefined ? 0 : s.to_ts.getTime(),
  };
}
