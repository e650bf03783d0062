// A background loop: runs `step` again at once while it reports more work, waits `idleMs` when idle, backs off
// exponentially on errors. stop() waits for the running step, so shutdown drains in-flight work.
export type LoopOptions = { idleMs: number; maxBackoffMs?: number; onError?: (err: unknown, failures: number) => void };

export class Loop {
  readonly name: string;
  readonly #step: () => Promise<boolean>;
  readonly #opts: LoopOptions;
  #running = false;
  #current: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  failures = 0;

  constructor(name: string, step: () => Promise<boolean>, options: LoopOptions) {
    this.name = name;
    this.#step = step;
    this.#opts = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#current = this.#run();
  }

  /** Cuts the current wait short. */
  poke(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.poke();
    await this.#current;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let delay = this.#opts.idleMs;
      try {
        const more = await this.#step();
        this.failures = 0;
        if (more) delay = 0;
      } catch (err) {
        this.failures++;
        this.#opts.onError?.(err, this.failures);
        delay = Math.min(this.#opts.maxBackoffMs ?? 10_000, this.#opts.idleMs * 2 ** Math.min(this.failures, 10));
      }
      if (!this.#running) break;
      if (delay > 0) await new Promise<void>((resolve) => { this.#wake = resolve; this.#timer = setTimeout(resolve, delay); });
      clearTimeout(this.#timer);
      this.#wake = undefined;
    }
  }
}
