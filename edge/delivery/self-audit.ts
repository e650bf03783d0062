/**
 * Self-audit: the edge checks the ledger (protocol v2). Delivered records are verified per acknowledged envelope
 * with one envelope proof (a range proof of all its records, checked against the root the agent reads from LedgerAnchor
 * itself; see envelope-audit.ts); records without a receipt fall back to a proof bundle each (record-audit.ts).
 * Only verified records are purged from the spool. A record not anchored within the SLA, or a proof that fails
 * verification, raises an alarm.
 */
import type { ChainFactsV2 as ChainFacts } from "../../core/index.ts";
import type { Logger } from "../capture/capture.ts";
import type { AwaitingAudit, Spool } from "../spool/spool.ts";
import type { CachedChainFacts as ChainFactsReader } from "../../sdk/chain-facts.ts";
import { auditEnvelope, type EnvelopeVerdict } from "./envelope-audit.ts";
import { LedgerApiError } from "../../sdk/errors.ts";
import type { LedgerClient } from "../../sdk/ledger-client.ts";
import { auditRecord } from "./record-audit.ts";

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
        if (err instanceof LedgerApiError && err.code === "unauthorized") this.alarm({ code: "self_audit_unauthorized", seq: 0, message: err.message });
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
    const rows = this.o.spool.awaitingAudit(this.o.batch);
    if (rows.length === 0) return 0;
    const units = auditUnits(rows, rows.length === this.o.batch);
    const device = await this.o.chain.deviceStatus(this.o.device);
    let verified = 0;
    const concurrency = this.o.concurrency ?? 8;
    for (let i = 0; i < units.length; i += concurrency) {
      const slice = units.slice(i, i + concurrency);
      const judged = (await Promise.all(slice.map((u) => this.verify(u, device)))).flat();
      const done: number[] = [];
      for (const [unit, verdict] of judged) this.judge(unit, verdict, done);
      // purge as we go: a long round still makes progress visible and durable
      this.o.spool.purgeVerified(done);
      this.verifiedTotal += done.length;
      if (done.length > 0) this.o.onVerified?.(Math.max(...done), done.length);
      verified += done.length;
      // records are anchored in log order: once one is pending, later ones are too
      if (judged.some(([, v]) => v.result === "pending")) break;
    }
    return verified;
  }

  /** An envelope by its envelope proof; a record without receipt, or records of no single envelope, by bundles. */
  private async verify(u: AuditUnit, device: ChainFacts["device"]): Promise<[AuditUnit, EnvelopeVerdict][]> {
    const { client, chain } = this.o;
    if (u.firstSeq !== null) {
      const verdict = await auditEnvelope(client, chain, this.o.device, device, u.firstSeq, u.rows);
      if (verdict.result !== "not_an_envelope") return [[u, verdict]];
    }
    const out: [AuditUnit, EnvelopeVerdict][] = [];
    for (const row of u.rows) {
      const verdict = await auditRecord(client, chain, device, row);
      out.push([{ firstSeq: null, rows: [row] }, verdict]);
      if (verdict.result === "pending") break;
    }
    return out;
  }

  private judge(u: AuditUnit, v: EnvelopeVerdict, done: number[]): void {
    const now = (this.o.now ?? Date.now)();
    const first = u.rows[0]!;
    const what = u.firstSeq === null ? `record ${first.seq} (${first.hash})` : `envelope ${u.firstSeq} (records ${first.seq}..${u.rows.at(-1)!.seq})`;
    const late = now - Math.min(...u.rows.map((r) => r.sentMs)) > this.o.slaMs;
    if (v.result === "verified") done.push(...u.rows.map((r) => r.seq));
    else if (v.result === "not_an_envelope") return;
    else if (v.result === "failed") this.alarm({ code: "self_audit_failed", seq: first.seq, message: v.message });
    else if (late && v.unknown) this.alarm({ code: "record_unknown_to_ledger", seq: first.seq, message: `ledger does not know ${what} delivered ${Math.round((now - first.sentMs) / 1000)} s ago` });
    else if (late) this.alarm({ code: "not_anchored_within_sla", seq: first.seq, message: `${what} not anchored within ${this.o.slaMs} ms of delivery` });
  }
}

/** Records of one acknowledged envelope (firstSeq), or a single record the spool holds no receipt for (firstSeq null). */
type AuditUnit = { firstSeq: number | null; rows: AwaitingAudit[] };

/** Groups rows (in seq order) by envelope; a batch cut inside its last envelope leaves that envelope to the next round. */
export function auditUnits(rows: readonly AwaitingAudit[], truncated: boolean): AuditUnit[] {
  const units: AuditUnit[] = [];
  for (const row of rows) {
    const last = units.at(-1);
    if (row.envelope !== null && last?.firstSeq === row.envelope.firstSeq) last.rows.push(row);
    else units.push({ firstSeq: row.envelope?.firstSeq ?? null, rows: [row] });
  }
  const tail = units.at(-1)!, tailEnv = rows.at(-1)!.envelope;
  if (truncated && units.length > 1 && tailEnv !== null && tail.rows.at(-1)!.seq < tailEnv.lastSeq) units.pop();
  return units;
}
