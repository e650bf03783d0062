// Everything the demo starts registers how to stop it; stops run newest first, once, each bounded in time,
// whether the demo ends normally, fails or is interrupted. A start still in flight when the run begins (Ctrl-C
// during startup) is waited for and then stopped; anything started after that is stopped at once.
export class Cleanup {
  readonly #steps: { name: string; stop: () => Promise<void> }[] = [];
  readonly #starting = new Set<Promise<unknown>>();
  #running: Promise<string[]> | undefined;

  add(name: string, stop: () => Promise<void>): void {
    if (this.#running !== undefined) void stop().catch(() => {});
    else this.#steps.push({ name, stop });
  }

  /** Awaits a start and registers its stop the moment it resolves (before the caller resumes). */
  track<T>(name: string, start: Promise<T>, stop: (started: T) => Promise<void>): Promise<T> {
    const registered = start.then((value) => {
      this.add(name, () => stop(value));
      return value;
    });
    this.#starting.add(registered);
    void registered.catch(() => {}).finally(() => this.#starting.delete(registered));
    return registered;
  }

  /** Runs every stop (newest first); returns the names of those that failed or timed out. */
  run(timeoutMs = 15_000): Promise<string[]> {
    this.#running ??= (async () => {
      await Promise.race([Promise.allSettled([...this.#starting]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      const failed: string[] = [];
      for (const step of this.#steps.reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<"timeout">((resolve) => { timer = setTimeout(() => resolve("timeout"), timeoutMs); });
        const outcome = await Promise.race([step.stop().then(() => "ok" as const, () => "error" as const), timeout]);
        clearTimeout(timer);
        if (outcome !== "ok") failed.push(`${step.name} (${outcome})`);
      }
      return failed;
    })();
    return this.#running;
  }
}
