// Envelope signatures recovered on the worker pool while the export is still being read. Jobs wait until the
// pool runs (started by collect for large exports); any left unrecovered are recovered inline by checkEnvelopes.
import type { SignatureJob } from "./audit-worker.ts";
import type { WorkerPool } from "./worker-pool.ts";

const BATCH = 16;
/** From this many envelopes on, signatures alone justify starting the workers. */
export const SIGNATURE_WORKER_THRESHOLD = 64;

/** Signers recovered for one EIP-712 domain (the export header's chain and contract). */
export type Signers = { chainId: number; contract: string; byEnvelope: Map<string, string> };

export class SignatureQueue {
  readonly #pool: WorkerPool;
  readonly #signers: Signers;
  readonly #runs: Promise<void>[] = [];
  #pending: SignatureJob[] = [];
  #seen = 0;

  constructor(pool: WorkerPool, chainId: number, contract: string) {
    this.#pool = pool;
    this.#signers = { chainId, contract, byEnvelope: new Map() };
  }

  add(job: SignatureJob): void {
    this.#pending.push(job);
    if (++this.#seen === SIGNATURE_WORKER_THRESHOLD) this.#pool.start();
    if (this.#pending.length >= BATCH && this.#pool.started) this.#flush();
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    const jobs = this.#pending;
    this.#pending = [];
    const { chainId, contract, byEnvelope } = this.#signers;
    this.#runs.push(this.#pool.run({ kind: "signatures", chainId, contract, jobs }).then((reply) => {
      if (reply.kind === "signatures") for (const [id, signer] of reply.signers) byEnvelope.set(id, signer);
    }));
  }

  /** Waits for the recoveries sent to workers. A failed worker costs speed, not correctness: those are redone inline. */
  async finish(): Promise<Signers> {
    if (this.#pool.started) this.#flush();
    await Promise.allSettled(this.#runs);
    return this.#signers;
  }
}
