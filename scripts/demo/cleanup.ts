// Everything the demo starts registers how to stop it; stops run newest first, once, each bounded in time,
// whether the demo ends normally, fails or is interrupted.
export class Cleanup {
  readonly #steps: { name: string; stop: () => Promise<void> }[] = [];
  #running: Promise<string[]> | undefined;

  add(name: string, stop: () => Promise<void>): void {
    this.#steps.push({ name, stop });
  }

  /** Runs every stop (newest first); returns the names of those that failed or timed out. */
  run(timeoutMs = 15_000): Promise<string[]> {
    this.#running ??= (async () => {
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
