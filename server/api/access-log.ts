// The access log: every partner/auditor read becomes a v2 record of kind "access" in stream "@access"
// (PROTOCOL §3.2, §4.4), signed by the service key (LedgerAnchor role service, registered with
// registerServiceKey) and appended to the global log through ingest's own path — verifyEnvelope (core's
// checkEnvelopeV2: openings, chains, signature) and storeEnvelope (device and stream heads, log lock, leaves) —
// so access history is anchored and verifiable like the data. Concurrent reads are group-committed: one envelope
// per batch, one batch at a time. The device head (seq, prev) and the @access stream head (salt, streamSeq,
// streamPrev, last `to`) are read back from the database at start and after a conflict (another replica with the
// same key), so the stream keeps one id and one unbroken chain across restarts.
import type pg from "pg";
import type { Wallet } from "ethers";
import {
  ACCESS_STREAM, buildEnvelopeV2, recordHash, sealRecord, type Eip712DomainV2, type FullRecord,
} from "../../core/index.ts";
import { IngestError } from "../ingest/errors.ts";
import { storeEnvelope } from "../ingest/store.ts";
import { verifyEnvelope } from "../ingest/verify.ts";
import { loadServiceHeads, newSalt, type ServiceHeads } from "./service-heads.ts";
import { accessBody, type AccessEntry } from "./access-body.ts";

export type { AccessEntry } from "./access-body.ts";

type Waiter = { entry: AccessEntry; resolve: () => void; reject: (err: unknown) => void };
/** Where the next access record attaches: the service key's device chain and its @access stream chain. */
type Heads = ServiceHeads;
const MAX_BATCH = 500;


export class AccessLog {
  readonly #db: pg.Pool;
  readonly #domain: Eip712DomainV2;
  readonly #wallet: Wallet;
  readonly #queue: Waiter[] = [];
  #running: Promise<void> | undefined;
  #heads: Heads | undefined;

  constructor(db: pg.Pool, domain: Eip712DomainV2, wallet: Wallet) {
    this.#db = db;
    this.#domain = domain;
    this.#wallet = wallet;
  }

  get address(): string {
    return this.#wallet.address.toLowerCase();
  }

  /** Resolves once the access record is committed to the log. */
  append(entry: AccessEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry, resolve, reject });
      this.#kick();
    });
  }

  async close(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  #kick(): void {
    if (this.#running !== undefined) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      try {
        await this.#write(batch.map((w) => w.entry)).catch(async (err: unknown) => {
          if (!(err instanceof IngestError) || err.statusCode !== 409) throw err;
          await this.#write(batch.map((w) => w.entry)); // heads reloaded: one retry
        });
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
  }

  async #write(entries: AccessEntry[]): Promise<void> {
    const heads = this.#heads ?? (await this.#loadHeads());
    let h = heads;
    const records: FullRecord[] = [];
    for (const e of entries) {
      // Within a stream records are in time order: a clock step back does not break the chain.
      const at = Math.max(e.at.getTime(), h.lastTo);
      const time = new Date(at).toISOString();
      const record = sealRecord({
        header: { device: this.address, seq: h.seq + 1, prev: h.prev, streamSeq: h.streamSeq + 1, streamPrev: h.streamPrev, kind: "access", from: time, to: time, ts: time },
        stream: { name: ACCESS_STREAM, salt: h.salt }, salt: newSalt(), body: accessBody(e),
      });
      records.push(record);
      const hash = recordHash(record.header);
      h = { seq: h.seq + 1, prev: hash, salt: h.salt, streamSeq: h.streamSeq + 1, streamPrev: hash, lastTo: at };
    }
    this.#heads = undefined; // unknown until committed
    await storeEnvelope(this.#db, verifyEnvelope(buildEnvelopeV2(records, this.#domain, this.#wallet), this.#domain));
    this.#heads = h;
  }

  #loadHeads(): Promise<Heads> {
    return loadServiceHeads(this.#db, this.address, ACCESS_STREAM);
  }
}
