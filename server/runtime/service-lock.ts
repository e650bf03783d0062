// One service per DATA_DIR: DATA_DIR/otledger.pid holds the pid and start time of the service using it. A live
// holder means a second start is refused; a dead one (crash, SIGKILL) means its embedded PostgreSQL and anvil may
// still run, and the starters (postmaster.ts, anvil.ts) stop them before starting their own.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive, startTime } from "./process-identity.ts";
import { StartupError } from "./startup-error.ts";

export type ServiceLock = {
  file: string;
  /** Pid of a predecessor that died holding the lock, if any. */
  deadPredecessor?: number;
  release(): void;
};

type Holder = { pid: number; started?: string };

function readHolder(file: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, "utf8")) as Holder;
    return Number.isInteger(holder.pid) ? holder : { pid: 0 };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT" ? undefined : { pid: 0 }; // unreadable: treat as stale
  }
}

function holderAlive(holder: Holder): boolean {
  if (holder.pid <= 0 || holder.pid === process.pid || !isAlive(holder.pid)) return false;
  // Same pid but a different start time: the pid was reused after the holder died (e.g. after a reboot).
  return holder.started === undefined || startTime(holder.pid) === holder.started;
}

/** Takes DATA_DIR's lock or throws StartupError data_dir_in_use (the directory must exist). */
export function lockDataDir(dataDir: string): ServiceLock {
  const file = join(dataDir, "otledger.pid");
  let deadPredecessor: number | undefined;
  for (let attempt = 0; ; attempt++) {
    const holder = readHolder(file);
    if (holder !== undefined && holderAlive(holder)) {
      throw new StartupError("data_dir_in_use", "DATA_DIR", `DATA_DIR ${dataDir} is in use by a running otledger (pid ${holder.pid}); stop it first, or set DATA_DIR to another directory`, { pid: holder.pid, file });
    }
    if (holder !== undefined) {
      if (holder.pid > 0 && holder.pid !== process.pid) deadPredecessor = holder.pid;
      rmSync(file, { force: true });
    }
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, started: startTime(process.pid) }) + "\n", { flag: "wx" });
      break;
    } catch (err) {
      // Another start created it between our read and write: look again (it wins if it is alive).
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 3) throw err;
    }
  }
  return {
    file, deadPredecessor,
    release: () => { if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true }); },
  };
}
