// Keeps an embedded child (PostgreSQL, anvil) running: when it exits without being asked to, it is started
// again (same port, same data) with exponential backoff until it runs or stop() is called.
import type { ChildProcess } from "node:child_process";

export type Supervisable = { process: ChildProcess; stop(): Promise<void> };
export type SupervisorEvents = {
  /** The child exited without stop(); a restart follows. */
  onExit?: (info: { name: string; code: number | null; signal: NodeJS.Signals | null }) => void;
  onRestarted?: (info: { name: string; attempts: number }) => void;
  onRestartFailed?: (info: { name: string; attempts: number; err: unknown }) => void;
  maxBackoffMs?: number;
};

export class Supervisor<H extends Supervisable> {
  readonly name: string;
  #current: H;
  readonly #restart: () => Promise<H>;
  readonly #events: SupervisorEvents;
  #stopping = false;
  #restarting: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  restarts = 0;

  constructor(name: string, first: H, restart: () => Promise<H>, events: SupervisorEvents = {}) {
    this.name = name;
    this.#current = first;
    this.#restart = restart;
    this.#events = events;
    this.#watch(first);
  }

  get current(): H {
    return this.#current;
  }

  /** Stops restarting, then stops the running child (waiting for a restart in progress first). */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#wake?.();
    await this.#restarting;
    await this.#current.stop();
  }

  #watch(handle: H): void {
    handle.process.once("exit", (code, signal) => {
      if (this.#stopping || handle !== this.#current) return;
      this.#events.onExit?.({ name: this.name, code, signal });
      this.#restarting = this.#restartLoop();
    });
  }

  async #restartLoop(): Promise<void> {
    for (let attempts = 1; !this.#stopping; attempts++) {
      try {
        const next = await this.#restart();
        if (this.#stopping) { await next.stop(); return; }
        this.#current = next;
        this.restarts++;
        this.#watch(next);
        this.#events.onRestarted?.({ name: this.name, attempts });
        return;
      } catch (err) {
        this.#events.onRestartFailed?.({ name: this.name, attempts, err });
        const delay = Math.min(this.#events.maxBackoffMs ?? 10_000, 250 * 2 ** Math.min(attempts, 10));
        await new Promise<void>((resolve) => { this.#wake = resolve; this.#timer = setTimeout(resolve, delay); });
      }
    }
  }
}
