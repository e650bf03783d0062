// The erasure log: an erasure record (PROTOCOL §4.4, kind "erasure", stream "@erasure") signed by the service key
// — the access log's key, LedgerAnchor role service — and appended through ingest's own path (verifyEnvelope,
// storeEnvelope), so it is checked, chained and anchored like any record. Erasures are rare: each one reads the
// heads back from the database (the key's device chain, shared with the access log, and the @erasure stream,
// which keeps one salt and one unbroken chain across restarts) and retries when another writer of the same key
// (the access log, another replica) took the next seq first.
import type pg from "pg";
import type { Wallet } from "ethers";
import {
  buildEnvelopeV2, ERASURE_STREAM, recordHash, sealRecord, type Eip712DomainV2, type ErasureBody, type Hex32,
} from "../../core/index.ts";
import { IngestError } from "../ingest/errors.ts";
import { storeEnvelope } from "../ingest/store.ts";
import { verifyEnvelope } from "../ingest/verify.ts";
import { loadServiceHeads, newSalt, type ServiceHeads } from "./service-heads.ts";

export type WrittenErasure = { hash: Hex32; index: number };
const ATTEMPTS = 5;

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

  #heads(): Promise<ServiceHeads> {
    return loadServiceHeads(this.#db, this.address, ERASURE_STREAM);
  }
}
