// Who a pid is: alive or not, its command line and its start time. A pid file alone cannot tell a dead
// predecessor from an unrelated process that got its pid later; the command line or start time can.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

/** true while the process exists (EPERM: it exists, owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** argv joined by spaces, or undefined if the process is gone (Linux /proc; `ps` elsewhere). */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((s) => s !== "").join(" ");
  } catch {
    return ps(pid, "args");
  }
}

/** An opaque start-time token, equal for the same process and different for a later one with the same pid. */
export function startTime(pid: number): string | undefined {
  try {
    // Field 22 of /proc/pid/stat (after the parenthesised command name, which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return ps(pid, "lstart");
  }
}

function ps(pid: number, field: string): string | undefined {
  try {
    const out = execFileSync("ps", ["-o", `${field}=`, "-p", String(pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return out === "" ? undefined : out;
  } catch {
    return undefined;
  }
}

/** Waits until the process is gone; false if it still runs after timeoutMs. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Stops a process this service did not start (left running by a dead predecessor): `signal` first (its
 * clean shutdown), then SIGKILL if it is still there after graceMs. Resolves once it is gone.
 */
export async function stopProcess(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  try { process.kill(pid, signal); } catch { return; }
  if (await waitForExit(pid, graceMs)) return;
  try { process.kill(pid, "SIGKILL"); } catch { return; }
  await waitForExit(pid, 5000);
}
