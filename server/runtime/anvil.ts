// One anvil process on a state file: own process group, a watchdog that stops it if we die, and a pid file beside
// the state so that the next start can stop one a dead predecessor left running (SIGTERM: anvil saves its state).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { commandLine, isAlive, stopProcess } from "./process-identity.ts";
import { watchChild } from "./watchdog.ts";

export type Anvil = { rpcUrl: string; port: number; stateFile: string; process: ChildProcess; stop(): Promise<void> };

const MODULES = resolve(import.meta.dirname, "../../node_modules");
/** The platform binary itself (signals reach anvil directly); the npm wrapper script as a fallback. */
const ANVIL = [join(MODULES, `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}/bin/anvil`), join(MODULES, ".bin/anvil")].find((p) => existsSync(p))!;

/**
 * Stops an anvil that still runs on this state file: the one in dataDir/anvil.pid, and on Linux any other whose
 * command line names the state file (a predecessor that wrote no pid file, e.g. an older version).
 */
export async function stopLeftoverAnvil(dataDir: string, log: (msg: string) => void = () => {}): Promise<void> {
  const pidFile = join(dataDir, "anvil.pid");
  const stateArg = `--state ${join(dataDir, "state.json")} `;
  const recorded = existsSync(pidFile) ? [Number(readFileSync(pidFile, "utf8").trim())] : [];
  for (const pid of new Set([...recorded, ...processesOnLinux()])) {
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) continue;
    const cmd = commandLine(pid);
    if (cmd === undefined || !/anvil/.test(cmd) || !`${cmd} `.includes(stateArg)) continue;
    log(`stopping the anvil (pid ${pid}) left running by a previous otledger in ${dataDir}`);
    await stopProcess(pid, "SIGTERM", 15_000);
  }
  rmSync(pidFile, { force: true });
}

function processesOnLinux(): number[] {
  try {
    return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
}

/** Spawns anvil and waits until it answers JSON-RPC. Stopping with SIGTERM makes it dump its state. */
export async function startAnvil(dataDir: string, port: number, chainId = 31337, log?: (msg: string) => void): Promise<Anvil> {
  await stopLeftoverAnvil(dataDir, log);
  const stateFile = join(dataDir, "state.json");
  const pidFile = join(dataDir, "anvil.pid");
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId), "--state", stateFile, "--state-interval", "1"];
  const child = spawn(ANVIL, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  if (child.pid !== undefined) {
    writeFileSync(pidFile, `${child.pid}\n`);
    // Never outlive the parent, even if it dies without stopping us (SIGTERM: anvil still saves its state).
    const watchdog = watchChild(child.pid, "TERM");
    child.once("exit", () => {
      watchdog.release();
      removeIfOurs(pidFile, child.pid!);
    });
  }
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`anvil exited with ${child.exitCode ?? child.signalCode}: ${stderr}`);
    if (await answers(rpcUrl)) break;
    if (Date.now() > deadline) { child.kill("SIGKILL"); throw new Error(`anvil did not start on ${rpcUrl}: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  return { rpcUrl, port, stateFile, process: child, stop };
}

function removeIfOurs(pidFile: string, pid: number): void {
  try {
    if (readFileSync(pidFile, "utf8").trim() === String(pid)) rmSync(pidFile, { force: true });
  } catch { /* already gone */ }
}

async function answers(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
    return res.ok;
  } catch {
    return false;
  }
}
