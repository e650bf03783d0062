/**
 * Self-audit: the edge checks the ledger. For each delivered record it fetches the proof bundle, reads the
 * chain facts itself and runs core's verifyBundle. Only a record that verifies is purged from the spool.
 * A record not anchored within the SLA, or a bundle that fails verification, raises an alarm.
 */
import { BundleSchema, verifyBundle } from "../../core/index.ts";
import type { Logger } from "../capture/capture.ts";
import type { Spool } from "../spool/spool.ts";
import type { ChainFactsReader } from "./chain-facts.ts";
import { LedgerAuthError, type LedgerClient } from "./ledger-client.ts";

export type AuditAlarm = { code: "not_anchored_within_sla" | "self_audit_failed" | "record_unknown_to_ledger" | "self_audit_unauthorized"; message: string; seq: number };
export interface SelfAuditOptions {
  spool: Spool;
  client: LedgerClient;
  chain: ChainFactsReader;
  device: string;
  intervalMs: number;
  slaMs: number;
  batch: number;
  concurrency?: number;
  log: Logger;
  now?: () => number;
  onAlarm?: (alarm: AuditAlarm) => void;
  onVerified?: (lastSeq: number, count: number) => void;
}

export class SelfAudit {
  private readonly o: SelfAuditOptions;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private readonly alarmed = new Set<string>();
  verifiedTotal = 0;

  constructor(options: SelfAuditOptions) {
    this.o = options;
  }

  start(): void {
    const tick = () => {
      this.round = this.runOnce().then(() => undefined, (err: unknown) => {
        if (err instanceof LedgerAuthError) this.alarm({ code: "self_audit_unauthorized", seq: 0, message: err.message });
        else this.o.log.warn({ err: (err as Error).message }, "self-audit round failed; will retry");
      })
        .finally(() => { if (this.timer) this.timer = setTimeout(tick, this.o.intervalMs); });
    };
    this.timer = setTimeout(tick, this.o.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round;
  }

  private alarm(a: AuditAlarm): void {
    const key = `${a.code}:${a.seq}`;
    if (this.alarmed.has(key)) return;
    this.alarmed.add(key);
    this.o.log.error({ code: a.code, seq: a.seq }, a.message);
    this.o.onAlarm?.(a);
  }

  /** One audit pass over the oldest delivered records; returns how many were verified and purged. */
  async runOnce(): Promise<number> {
    const now = this.o.now ?? Date.now;
    const rows = this.o.spool.awaitingAudit(this.o.batch);
    if (rows.length === 0) return 0;
    const device = await this.o.chain.deviceStatus(this.o.device);
    const verified: number[] = [];
    let stop = false;
    const concurrency = this.o.concurrency ?? 8;
    for (let i = 0; i < rows.length && !stop; i += concurrency) {
      const slice = rows.slice(i, i + concurrency);
      const results = await Promise.all(slice.map(async (row) => {
        const answer = await this.o.client.proof(row.hash);
        const late = now() - row.sentMs > this.o.slaMs;
        if (answer === null) {
          if (late) this.alarm({ code: "record_unknown_to_ledger", seq: row.seq, message: `ledger does not know record ${row.seq} (${row.hash}) delivered ${Math.round((now() - row.sentMs) / 1000)} s ago` });
          return "pending" as const;
        }
        if (answer.status === "pending") {
          if (late) this.alarm({ code: "not_anchored_within_sla", seq: row.seq, message: `record ${row.seq} not anchored within ${this.o.slaMs} ms of delivery` });
          return "pending" as const;
        }
        const parsed = BundleSchema.safeParse(answer.bundle);
        const result = parsed.success ? verifyBundle(parsed.data, await this.o.chain.facts(parsed.data, device)) : verifyBundle(answer.bundle, { chainId: 0, contract: "0x0000000000000000000000000000000000000000", checkpoint: null, firstCovering: null, device });
        if (parsed.success && parsed.data.recordHash !== row.hash) {
          this.alarm({ code: "self_audit_failed", seq: row.seq, message: `ledger answered with a bundle for ${parsed.data.recordHash}, not record ${row.seq} (${row.hash})` });
          return "failed" as const;
        }
        if (!result.ok) {
          const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.code}`).join(", ");
          this.alarm({ code: "self_audit_failed", seq: row.seq, message: `record ${row.seq} failed verification against the chain: ${failed}` });
          return "failed" as const;
        }
        return "verified" as const;
      }));
      // purge as we go: a long round still makes progress visible and durable
      const done = slice.filter((_, j) => results[j] === "verified").map((r) => r.seq);
      this.o.spool.purgeVerified(done);
      this.verifiedTotal += done.length;
      if (done.length > 0) this.o.onVerified?.(Math.max(...done), done.length);
      verified.push(...done);
      // records are anchored in log order: once one is pending, later ones are too
      if (results.includes("pending")) stop = true;
    }
    return verified.length;
  }
}
