/**
 * Polling for eventual conditions (checkpoints cut, anchors confirmed). Never a timed assertion: the
 * timeout only bounds how long a broken system can hang the test.
 *
 *   const anchored = await waitFor(async () => (await chain.checkpointCount()) >= 2 || undefined, { what: "2 anchors" });
 */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? "condition"}${lastError ? `: ${(lastError as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}
