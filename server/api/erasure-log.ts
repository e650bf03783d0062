// The erasure log: an erasure record (PROTOCOL §4.4, kind "erasure", stream "@erasure") signed by the service key
// — the access log's key, LedgerAnchor role service — and appended through ingest's own path (verifyEnvelope,
// storeEnvelope), so it is checked, chained and anchored like any record. Erasures are rare: each one reads the
// heads back from the database (the key's device chain, shared with the access log, and the @erasure stream,
// which keeps one salt and one unbroken chain across restarts) and retries when another writer of the same key
// (the access log, another replica) took the next seq first.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { Wallet } from "ethers";
import {
  buildEnvelopeV2, ERASURE_STREAM, recordHash, sealRecord, type Eip712DomainV2, type ErasureBody, type Hex32,
} from "../../core/index.ts";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import { IngestError } from "../ingest/errors.ts";
import { storeEnvelope } from "../ingest/store.ts";
import { verifyEnvelope } from "../ingest/verify.ts";

export type WrittenErasure = { hash: Hex32; index: number };
const ATTEMPTS = 5;
const newSalt = () => "0x" + randomBytes(16).toString("hex");

export class ErasureLog {
  readonly #db: pg.Pool;
  readonly #domain: Eip712DomainV2;
  readonly #wallet: Wallet;

  constructor(db: pg.Pool, domain: Eip712DomainV2, wallet: Wallet) {
    this.#db = db;
    this.#domain = domain;
    this.#wallet = wallet;
  }

  get address(): string {
    return this.#wallet.address.toLowerCase();
  }

  /** Commits one erasure record; answers its hash and leaf index. */
  async write(body: ErasureBody, at: Date): Promise<WrittenErasure> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#writeOnce(body, at);
      } catch (err) {
        // 409: the shared device chain moved between reading its head and storing (seq_overlap, prev_mismatch).
        if (!(err instanceof IngestError) || err.statusCode !== 409 || attempt >= ATTEMPTS) throw err;
      }
    }
  }

  async #writeOnce(body: ErasureBody, at: Date): Promise<WrittenErasure> {
    const h = await this.#heads();
    // Within a stream records are in time order: a clock step back does not break the chain.
    const time = new Date(Math.max(at.getTime(), h.lastTo)).toISOString();
    const record = sealRecord({
      header: { device: this.address, seq: h.seq + 1, prev: h.prev, streamSeq: h.streamSeq + 1, streamPrev: h.streamPrev, kind: "erasure", from: time, to: time, ts: time },
      stream: { name: ERASURE_STREAM, salt: h.salt }, salt: newSalt(), body,
    });
    const outcome = await storeEnvelope(this.#db, verifyEnvelope(buildEnvelopeV2([record], this.#domain, this.#wallet), this.#domain));
    return { hash: recordHash(record.header), index: outcome.receipt.records[0]!.index };
  }

  async #heads() {
    const device = hexToBytes(this.address);
    const [dev, stream] = await Promise.all([
      this.#db.query<{ seq: string; hash: Buffer }>("SELECT seq, hash FROM records WHERE device = $1 ORDER BY seq DESC LIMIT 1", [device]),
      this.#db.query<{ stream_seq: string; hash: Buffer; stream_salt: Buffer; to_ts: Date }>(
        "SELECT stream_seq, hash, stream_salt, to_ts FROM records WHERE device = $1 AND stream_name = $2 ORDER BY stream_seq DESC LIMIT 1", [device, ERASURE_STREAM]),
    ]);
    const d = dev.rows[0], s = stream.rows[0];
    return {
      seq: d === undefined ? 0 : Number(d.seq), prev: d === undefined ? null : (bytesToHex(d.hash) as Hex32),
      salt: s === undefined ? newSalt() : bytesToHex(s.stream_salt),
      streamSeq: s === undefined ? 0 : Number(s.stream_seq), streamPrev: s === undefined ? null : (bytesToHex(s.hash) as Hex32),
      lastTo: s === undefined ? 0 : s.to_ts.getTime(),
    };
  }
}
