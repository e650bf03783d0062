// Verifies envelope signatures on worker threads while the main thread keeps parsing and hashing the export:
// one recovery per envelope (~1.5 ms each), overlapped with the record work instead of added to it.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { envelopeDomain } from "../../core/index.ts";
import { recoverSigner, type SignatureJob, type SignatureResult } from "./signature-worker.ts";

const BATCH = 16;
/** Below this many envelopes, starting a worker (it loads core and ethers) costs more than it saves. */
const WORKER_THRESHOLD = 64;

export type Signers = { chainId: number; contract: string; byEnvelope: Map<string, string> };

export class SignaturePool {
  readonly #chainId: number;
  readonly #contract: string;
  readonly #threads: number;
  readonly #workers: Worker[] = [];
  #seen = 0;
  readonly #byEnvelope = new Map<string, string>();
  #pending: SignatureJob[] = [];
  #inFlight = 0;
  #batch = 0;
  #failure: Error | null = null;
  #drained: (() => void) | null = null;

  /** `threads` 0 recovers inline (no workers), e.g. on a single core. */
  constructor(chainId: number, contract: string, threads = Math.max(0, Math.min(2, availableParallelism() - 1))) {
    this.#chainId = chainId;
    this.#contract = contract;
    this.#threads = threads;
  }

  #startWorkers(): void {
    for (let i = 0; i < this.#threads; i++) {
      const w = new Worker(new URL("./signature-worker.ts", import.meta.url));
      w.on("message", (r: SignatureResult) => this.#done(r));
      w.on("error", (err) => { this.#failure = err; this.#inFlight = 0; this.#drained?.(); });
      this.#workers.push(w);
    }
  }

  add(job: SignatureJob): void {
    this.#pending.push(job);
    if (++this.#seen === WORKER_THRESHOLD) this.#startWorkers();
    if (this.#pending.length >= BATCH && this.#workers.length > 0) this.#flush();
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    const jobs = this.#pending;
    this.#pending = [];
    if (this.#workers.length === 0) {
      const domain = envelopeDomain(this.#chainId, this.#contract);
      for (const j of jobs) this.#byEnvelope.set(j.id, recoverSigner(j, domain));
      return;
    }
    this.#inFlight++;
    this.#workers[this.#batch++ % this.#workers.length]!.postMessage({ batch: this.#batch, chainId: this.#chainId, contract: this.#contract, jobs });
  }

  #done(r: SignatureResult): void {
    for (const [id, signer] of r.signers) this.#byEnvelope.set(id, signer);
    if (--this.#inFlight === 0) this.#drained?.();
  }

  /** Waits for every signature, stops the workers and returns the signers (for this pool's domain). */
  async finish(): Promise<Signers> {
    this.#flush();
    if (this.#inFlight > 0 && !this.#failure) await new Promise<void>((resolve) => { this.#drained = resolve; });
    await Promise.all(this.#workers.map((w) => w.terminate()));
    if (this.#failure) throw this.#failure;
    return { chainId: this.#chainId, contract: this.#contract, byEnvelope: this.#byEnvelope };
  }
}
