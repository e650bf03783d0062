/**
 * The agent's alarms, deduplicated by a stable key: a condition that persists (a device not enrolled, an
 * untrusted server certificate) is one alarm until it clears, however often it is retried. Persistent alarms
 * (the ledger broke an acknowledgement) are written to the spool with their evidence before they count as
 * raised, survive restarts, and are never cleared by the agent itself.
 */
import { toTimestamp } from "../core/index.ts";
import type { Logger } from "./capture/capture.ts";
import type { AlarmStore, StoredAlarm } from "./spool/alarm-store.ts";

export interface AlarmInput {
  code: string;
  message: string;
  /** what makes two raises the same alarm; default `code` (plus `seq` when given) */
  key?: string;
  seq?: number;
  evidence?: unknown;
  /** kept in the spool until an operator deals with it */
  persistent?: boolean;
}
export interface Alarm extends StoredAlarm {
  persistent: boolean;
}

/** Transient alarms kept at most; persistent ones are all kept (they are rare and each one matters). */
const MAX_TRANSIENT = 200;

export class AlarmBook {
  private readonly active = new Map<string, Alarm>();
  private readonly o: { store: AlarmStore; now: () => Date; log: Logger; onRaised?: (alarm: Alarm) => void };

  constructor(options: AlarmBook["o"]) {
    this.o = options;
    for (const a of options.store.load()) this.active.set(a.key, { ...a, persistent: true });
  }

  /** Raises an alarm unless one with the same key is active; true when it is new. */
  raise(input: AlarmInput): boolean {
    const key = input.key ?? (input.seq === undefined ? input.code : `${input.code}:${input.seq}`);
    if (this.active.has(key)) return false;
    const alarm: Alarm = {
      key, code: input.code, message: input.message, at: toTimestamp(this.o.now()), persistent: input.persistent === true,
      ...(input.seq === undefined ? {} : { seq: input.seq }), ...(input.evidence === undefined ? {} : { evidence: input.evidence }),
    };
    if (alarm.persistent) this.o.store.save(alarm);
    this.active.set(key, alarm);
    this.trim();
    this.o.log.error({ code: alarm.code, key }, alarm.message);
    this.o.onRaised?.(alarm);
    return true;
  }

  /** Clears the transient alarms the predicate selects (the condition is over); persistent ones stay. */
  clear(select: (alarm: Alarm) => boolean): number {
    let n = 0;
    for (const [key, a] of this.active) if (!a.persistent && select(a) && this.active.delete(key)) n++;
    return n;
  }

  list(): Alarm[] {
    return [...this.active.values()];
  }

  private trim(): void {
    const transient = [...this.active.values()].filter((a) => !a.persistent);
    for (const a of transient.slice(0, Math.max(0, transient.length - MAX_TRANSIENT))) this.active.delete(a.key);
  }
}
