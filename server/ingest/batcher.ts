// Group commit: envelopes that arrive while a transaction is in flight are stored together in the next one.
// Each keeps its own savepoint (a 409 for one rolls back only its records), then the log lock is taken once
// and one commit (one WAL flush) acknowledges them all. The log lock is held to commit, so this amortises
// the part of ingest that is serialised across the whole service.
// Device locks are taken in device order within a batch (no lock-order deadlocks between batches); if a batch
// fails as a whole anyway (deadlock, lost connection), its envelopes are retried one by one.
import type pg from "pg";
import { IngestError } from "./errors.ts";
import { LOG_LOCK, keepEvidence, prepareEnvelope, sequenceEnvelope, storeEnvelope, type StoreOutcome } from "./store.ts";
import type { VerifiedEnvelope } from "./verify.ts";

type Job = { v: VerifiedEnvelope; resolve: (o: StoreOutcome) => void; reject: (e: unknown) => void };
export type BatcherOptions = { maxBatch: number; maxInFlight: number };

export class EnvelopeBatcher {
  readonly #pool: pg.Pool;
  readonly #opts: BatcherOptions;
  readonly #queue: Job[] = [];
  #inFlight = 0;

  constructor(pool: pg.Pool, options: BatcherOptions) {
    this.#pool = pool;
    this.#opts = options;
  }

  store(v: VerifiedEnvelope): Promise<StoreOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ v, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#opts.maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#opts.maxBatch);
      this.#inFlight++;
      void this.#run(batch).finally(() => { this.#inFlight--; this.#pump(); });
    }
  }

  async #run(batch: Job[]): Promise<void> {
    if (batch.length === 1) return settle(batch[0]!, () => storeEnvelope(this.#pool, batch[0]!.v));
    let outcomes: Map<Job, StoreOutcome | IngestError>;
    try {
      outcomes = await this.#storeBatch(batch);
    } catch {
      for (const job of batch) await settle(job, () => storeEnvelope(this.#pool, job.v));
      return;
    }
    for (const job of batch) {
      const o = outcomes.get(job)!;
      if (o instanceof IngestError) {
        if (o.code === "equivocation") await keepEvidence(this.#pool, job.v, o).catch(() => {});
        job.reject(o);
      } else {
        job.resolve(o);
      }
    }
  }

  async #storeBatch(batch: Job[]): Promise<Map<Job, StoreOutcome | IngestError>> {
    const out = new Map<Job, StoreOutcome | IngestError>();
    const ordered = [...batch].sort((a, b) => (a.v.envelope.header.device < b.v.envelope.header.device ? -1 : a.v.envelope.header.device > b.v.envelope.header.device ? 1 : 0));
    const firstOf = new Map<string, Job>(); // identical envelopes in one batch: the later ones are replays
    const toSequence: { job: Job; id: number }[] = [];
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      for (const job of ordered) {
        const h = job.v.envelope.header;
        const key = `${h.device}:${h.firstSeq}:${h.count}:${h.recordsRoot}:${h.lastHash}`;
        if (firstOf.has(key)) continue;
        firstOf.set(key, job);
        await client.query("SAVEPOINT envelope");
        try {
          const prepared = await prepareEnvelope(client, job.v);
          await client.query("RELEASE SAVEPOINT envelope");
          if (prepared.status === 200) out.set(job, prepared);
          else toSequence.push({ job, id: prepared.id });
        } catch (err) {
          if (!(err instanceof IngestError)) throw err;
          await client.query("ROLLBACK TO SAVEPOINT envelope");
          out.set(job, err);
        }
      }
      if (toSequence.length > 0) {
        await client.query("SELECT pg_advisory_xact_lock($1, $2)", [...LOG_LOCK]);
        for (const { job, id } of toSequence) out.set(job, await sequenceEnvelope(client, job.v, id));
      }
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      client.release();
      throw err;
    }
    client.release();
    for (const job of batch) {
      if (out.has(job)) continue;
      const h = job.v.envelope.header;
      const first = out.get(firstOf.get(`${h.device}:${h.firstSeq}:${h.count}:${h.recordsRoot}:${h.lastHash}`)!)!;
      out.set(job, first instanceof IngestError ? first : { status: 200, receipt: first.receipt });
    }
    return out;
  }
}

async function settle(job: Job, f: () => Promise<StoreOutcome>): Promise<void> {
  try {
    job.resolve(await f());
  } catch (err) {
    job.reject(err);
  }
}
