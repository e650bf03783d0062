// Children that end when their parent dies, even by SIGKILL: a tiny `sh` beside each child blocks reading a pipe
// whose only writer is this process. The kernel closes the pipe when we die, however we die, and the watchdog
// then sends the child its clean-shutdown signal. (Linux's PR_SET_PDEATHSIG is not reachable from Node.)
import { spawn } from "node:child_process";

export type Watchdog = { pid: number | undefined; release(): void };

/** Guards `pid`: when this process dies, the watchdog sends it `signal`. release() once the child has ended. */
export function watchChild(pid: number, signal: "INT" | "TERM"): Watchdog {
  // Its own process group (detached): a Ctrl-C on the terminal must not end the watchdog before the graceful stop.
  const dog = spawn("sh", ["-c", `read _ignored; kill -${signal} ${pid} 2>/dev/null`], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  dog.on("error", () => {}); // no sh: the child is then only stopped by our own stop() and the next start
  dog.stdin?.on("error", () => {});
  dog.unref();
  (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    pid: dog.pid,
    release: () => { if (dog.exitCode === null && dog.signalCode === null) dog.kill("SIGKILL"); },
  };
}
