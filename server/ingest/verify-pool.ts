// Envelope verification on worker threads, so hashing and signature recovery of one envelope do not hold up
// the event loop (parsing, zod and database work for the others). Size 0 verifies inline.
import { Worker } from "node:worker_threads";
import type { Eip712DomainV2, EnvelopeStream, EnvelopeV2 } from "../../core/index.ts";
import { IngestError, type IngestErrorCode } from "./errors.ts";
import { verifyEnvelope, type VerifiedEnvelope } from "./verify.ts";

type Pending = { envelope: EnvelopeV2; resolve: (v: VerifiedEnvelope) => void; reject: (e: Error) => void };
type Slot = { worker: Worker; pending: Map<number, Pending> };
type Answer = { id: number; hashes?: string[]; canonicals?: string[]; streams?: EnvelopeStream[]; error?: { statusCode: number; code: IngestErrorCode; message: string; path: (string | number)[]; details: Record<string, unknown> };
  crash?: { name: string; message: string; stack?: string } };

const WORKER_URL = new URL("./verify-worker.ts", import.meta.url);

export class VerifyPool {
  readonly #domain: Eip712DomainV2;
  readonly #slots: Slot[] = [];
  #next = 0;
  #closed = false;

  constructor(size: number, domain: Eip712DomainV2) {
    this.#domain = domain;
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  verify(envelope: EnvelopeV2): Promise<VerifiedEnvelope> {
    if (this.#slots.length === 0) return Promise.resolve().then(() => verifyEnvelope(envelope, this.#domain));
    const slot = this.#slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { envelope, resolve, reject });
      slot.worker.postMessage({ id, envelope });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_URL, { workerData: { domain: this.#domain } }), pending: new Map() };
    slot.worker.unref();
    slot.worker.on("message", (a: Answer) => {
      const p = slot.pending.get(a.id);
      if (p === undefined) return;
      slot.pending.delete(a.id);
      if (a.error !== undefined) p.reject(new IngestError(a.error.statusCode, a.error.code, a.error.message, a.error.path, a.error.details));
      else if (a.crash !== undefined) p.reject(Object.assign(new Error(a.crash.message), { name: a.crash.name, stack: a.crash.stack }));
      else p.resolve({ envelope: p.envelope, hashes: a.hashes!, canonicals: a.canonicals!, streams: a.streams! });
    });
    // A dead worker fails nothing: its envelopes are verified inline and a new worker takes its place.
    slot.worker.on("error", () => this.#replace(slot));
    slot.worker.on("exit", () => { if (!this.#closed) this.#replace(slot); });
    return slot;
  }

  #replace(slot: Slot): void {
    const i = this.#slots.indexOf(slot);
    if (i < 0) return;
    const orphans = [...slot.pending.values()];
    slot.pending.clear();
    if (!this.#closed) this.#slots[i] = this.#spawn();
    for (const p of orphans) {
      try { p.resolve(verifyEnvelope(p.envelope, this.#domain)); } catch (err) { p.reject(err as Error); }
    }
  }
}
