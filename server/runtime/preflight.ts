// Start-up checks that run before anything is started (no PostgreSQL, no anvil, no admin key printed): each
// failure is a StartupError naming the variable and the fix.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { postgresUser } from "./postmaster.ts";
import { StartupError } from "./startup-error.ts";

/** Creates DATA_DIR (and parents) or explains why it cannot. */
export function ensureDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new StartupError("data_dir_unusable", "DATA_DIR", `DATA_DIR ${dataDir} cannot be created (${e.code ?? e.message}); set DATA_DIR to a writable directory`, { errno: e.code });
  }
}

/** The listen error of HOST:PORT as a StartupError (EADDRINUSE, EACCES, EADDRNOTAVAIL), else undefined. */
export function listenError(err: unknown, host: string, port: number): StartupError | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return new StartupError("port_in_use", "PORT", `PORT ${port} is already in use on ${host}; set PORT to a free port (or stop what listens there)`, { host, port });
  if (code === "EACCES") return new StartupError("port_forbidden", "PORT", `PORT ${port} on ${host} needs privileges this process lacks; set PORT to 1024 or above`, { host, port });
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN") return new StartupError("host_unavailable", "HOST", `HOST ${host} is not an address of this machine; set HOST to one (127.0.0.1, 0.0.0.0, ::)`, { host, port });
  return undefined;
}

/** Binds HOST:PORT once and lets go, so that a taken port is reported before anything starts. */
export async function checkListenable(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (err) => reject(listenError(err, host, port) ?? err));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

/**
 * As root, the embedded PostgreSQL runs as the `postgres` user, which must be able to enter every directory
 * down to DATA_DIR (the cluster inside is made its own). A mode-0700 parent (/root, a mkdtemp directory) makes
 * initdb fail with "Permission denied".
 */
export function checkPostgresCanEnter(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  const user = postgresUser();
  const path = ancestors(dataDir);
  if (canEnter(path.at(-1)!, user)) return; // entering the deepest one needs every one above it
  for (const dir of path) {
    if (canEnter(dir, user)) continue;
    const mode = (statSync(dir).mode & 0o777).toString(8).padStart(4, "0");
    throw new StartupError("data_dir_unreachable", "DATA_DIR",
      `DATA_DIR ${dataDir} is inside ${dir} (mode ${mode}), which the embedded PostgreSQL's user "postgres" cannot enter; set DATA_DIR to a directory outside it (e.g. /var/lib/otledger) or run chmod o+x ${dir}`,
      { dir, mode });
  }
}

/** Existing directories from / down to the deepest existing one on the way to `dir`. */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(d)) out.unshift(d);
    if (dirname(d) === d) return out;
  }
}

function canEnter(dir: string, user: { uid: number; gid: number } | undefined): boolean {
  if (user === undefined) return (statSync(dir).mode & 0o001) !== 0; // created at initdb: neither owner nor group
  // Ask as the user itself (ACLs, groups); `test -x` is what PostgreSQL's own access needs.
  try {
    execFileSync("test", ["-x", dir], { ...user, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
