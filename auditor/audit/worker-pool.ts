// A few audit worker threads (audit-worker.ts), started on demand: loading core and ethers in a worker costs
// more than small audits take, so collect starts them only once an export proves large.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { WorkerReply, WorkerRequest } from "./audit-worker.ts";

type Waiter = { resolve: (r: WorkerReply) => void; reject: (e: Error) => void };

export class WorkerPool {
  readonly threads: number;
  readonly #workers: Worker[] = [];
  readonly #waiting = new Map<number, Waiter>();
  #next = 0;
  #failure: Error | null = null;

  /**
   * Default: one thread per core beside the main thread (which reads lines and keeps results); on this 2-core
   * machine that is one worker, which measured faster than two. 0 = never start.
   */
  constructor(threads = Math.max(1, Math.min(4, availableParallelism() - 1))) {
    this.threads = threads;
  }

  get started(): boolean {
    return this.#workers.length > 0;
  }

  get inFlight(): number {
    return this.#waiting.size;
  }

  start(): void {
    if (this.started || this.threads === 0) return;
    for (let i = 0; i < this.threads; i++) {
      const w = new Worker(new URL("./audit-worker.ts", import.meta.url));
      w.on("message", (m: { id: number; reply: WorkerReply }) => {
        const waiter = this.#waiting.get(m.id);
        this.#waiting.delete(m.id);
        waiter?.resolve(m.reply);
      });
      w.on("error", (err) => this.#fail(err));
      this.#workers.push(w);
    }
  }

  #fail(err: Error): void {
    this.#failure = err;
    for (const w of this.#waiting.values()) w.reject(err);
    this.#waiting.clear();
  }

  run(req: WorkerRequest): Promise<WorkerReply> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#workers[id % this.#workers.length]!.postMessage({ id, req });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#workers.length = 0;
  }
}
