// Asks the OS for a free TCP port on 127.0.0.1 (for child processes that cannot report the port they bound).
import { createServer } from "node:net";

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const bound = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

export function freePort(): Promise<number> {
  return listenOnce(0);
}

/** `preferred` when it is free (a stable, documented address), otherwise any free port. */
export async function preferredPort(preferred: number): Promise<number> {
  try {
    return await listenOnce(preferred);
  } catch {
    return freePort();
  }
}
