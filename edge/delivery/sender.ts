/**
 * Delivery: the oldest pending records go out in envelopes of up to maxRecords, or fewer once the oldest has
 * waited lingerMs. A record leaves `pending` only on a receipt (201, or 200 for a replay of an envelope the
 * ledger already holds). Network and 5xx failures retry with backoff and jitter; a 409 gap/overlap resyncs on
 * the ledger's expected seq; anything else is alarmed and retried with the same backoff (e.g. a device not
 * enrolled yet: each attempt costs the ledger a signature check). New records never cut a backoff short.
 */
import { buildEnvelopeV2, type Eip712DomainV2, type EnvelopeSigner, type EnvelopeV2, type FullRecord } from "../../core/index.ts";
import type { Logger } from "../capture/capture.ts";
import type { Spool, SpooledRecord } from "../spool/spool.ts";
import type { Backoff } from "./backoff.ts";
import type { LedgerClient, PostOutcome } from "../../sdk/ledger-client.ts";

export type DeliveryAlarmCode = "ledger_rejected" | "ledger_equivocation" | "ledger_chain_diverged" | "ledger_missing_records" | "ledger_lost_acknowledged";
/** `key` is stable while the condition lasts (never the envelope's seq range, which grows with every retry). */
export type DeliveryAlarm = { code: DeliveryAlarmCode; key: string; message: string; evidence?: unknown; persistent?: boolean };
export interface SenderOptions {
  spool: Spool;
  client: LedgerClient;
  signer: EnvelopeSigner;
  device: string;
  domain: () => Promise<Eip712DomainV2>;
  maxRecords: number;
  lingerMs: number;
  backoff: Backoff;
  log: Logger;
  now?: () => number;
  onAlarm?: (alarm: DeliveryAlarm) => void;
  /** an envelope was accepted after alarmed failures: the transient delivery alarms are over */
  onRecovered?: () => void;
  onDelivered?: (info: { count: number; lastSeq: number; oldestCreatedMs: number; replay: boolean }) => void;
  onFailure?: (kind: PostOutcome["kind"]) => void;
  /** time spent building+signing and in the POST round trip, per envelope */
  onTiming?: (t: { buildMs: number; postMs: number; count: number }) => void;
}

/** The POST body, reusing each record's stored JSON instead of re-serializing it. */
export function envelopeJson(envelope: Pick<EnvelopeV2, "header" | "signature">, rows: readonly SpooledRecord[]): string {
  return `{"header":${JSON.stringify(envelope.header)},"signature":"${envelope.signature}","records":[${rows.map((r) => r.json).join(",")}]}`;
}

export class EnvelopeSender {
  private readonly o: SenderOptions;
  private stopped = false;
  private wake: (() => void) | null = null;
  /** an idle or linger wait ends when records arrive; a backoff wait does not */
  private wakeOnKick = false;
  private running: Promise<void> | null = null;
  lastSentSeq = 0;

  constructor(options: SenderOptions) {
    this.o = options;
  }

  /** Called after records were appended: ends a linger or idle wait early. */
  kick(): void {
    if (this.wakeOnKick) this.wake?.();
  }

  private wait(ms: number, wakeOnKick: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wakeOnKick = wakeOnKick;
      this.wake = () => { clearTimeout(timer); this.wake = null; this.wakeOnKick = false; resolve(); };
    });
  }

  start(): void {
    this.running ??= this.loop().catch((err) => this.o.log.error({ err: (err as Error).message }, "delivery loop crashed"));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    const now = this.o.now ?? Date.now;
    while (!this.stopped) {
      const rows = this.o.spool.pending(this.o.maxRecords);
      if (rows.length === 0) {
        await this.wait(1000, true);
        continue;
      }
      const age = now() - rows[0]!.createdMs;
      if (rows.length < this.o.maxRecords && age < this.o.lingerMs) {
        await this.wait(this.o.lingerMs - age, true);
        continue;
      }
      const ok = await this.sendOnce(rows);
      if (!ok && !this.stopped) await this.wait(this.o.backoff.next(), false);
    }
  }

  /** Sends one envelope; true when the loop may continue at once. */
  private async sendOnce(rows: SpooledRecord[]): Promise<boolean> {
    let domain: Eip712DomainV2;
    try {
      domain = await this.o.domain();
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, "EIP-712 domain unknown (ledger unreachable and none configured); retrying");
      return false;
    }
    const t0 = performance.now();
    // a v2 envelope (EIP-712 domain version "2") over the full records as sealed in the spool
    const envelope = buildEnvelopeV2(rows.map((r) => JSON.parse(r.json) as FullRecord), domain, this.o.signer);
    const { header } = envelope;
    const json = envelopeJson(envelope, rows);
    const t1 = performance.now();
    const outcome = await this.o.client.postEnvelope(json);
    this.o.onTiming?.({ buildMs: t1 - t0, postMs: performance.now() - t1, count: rows.length });
    const first = header.firstSeq;
    const last = first + rows.length - 1;
    switch (outcome.kind) {
      case "accepted":
        this.o.spool.markSent(first, last, outcome.receipt);
        this.lastSentSeq = last;
        this.o.backoff.reset();
        if (this.lastAlarm) this.o.onRecovered?.();
        this.lastAlarm = "";
        this.o.onDelivered?.({ count: rows.length, lastSeq: last, oldestCreatedMs: rows[0]!.createdMs, replay: outcome.status === 200 });
        return true;
      case "resync":
        return this.resync(outcome, rows);
      case "unavailable":
        this.o.onFailure?.(outcome.kind);
        this.o.log.warn({ status: outcome.status, err: outcome.message, retry: this.o.backoff.failures + 1 }, "ledger unavailable; will retry");
        return false;
      case "equivocation":
        this.o.onFailure?.(outcome.kind);
        this.alarm({ code: "ledger_equivocation", key: `ledger_equivocation:${first}`, message: `ledger holds a different record for seq ${first}..${last}: ${outcome.message}` });
        return false;
      case "rejected":
        this.o.onFailure?.(outcome.kind);
        this.alarm({ code: "ledger_rejected", key: `ledger_rejected:${outcome.status}:${outcome.code}`, message: `ledger rejected envelope ${first}..${last} with ${outcome.status} ${outcome.code}: ${outcome.message}` });
        return false;
    }
  }

  private resync(answer: Extract<PostOutcome, { kind: "resync" }>, rows: SpooledRecord[]): boolean {
    const { expectedSeq, lastHash } = answer;
    const first = rows[0]!.seq;
    this.o.log.info({ expectedSeq, firstPending: first }, "ledger asked for resync");
    if (expectedSeq > first) {
      // the ledger already holds [first, expectedSeq-1] (an earlier attempt's receipt was lost): check it is our chain
      const ours = this.o.spool.pending(expectedSeq - first, first).find((r) => r.seq === expectedSeq - 1);
      if (!ours) {
        this.alarm({ code: "ledger_chain_diverged", key: `ledger_chain_diverged:${expectedSeq}`, message: `ledger expects seq ${expectedSeq}, beyond our last record ${this.o.spool.head().lastSeq}` });
        return false;
      }
      if (lastHash !== null && lastHash !== ours.hash) {
        this.alarm({ code: "ledger_chain_diverged", key: `ledger_chain_diverged:${expectedSeq}`, message: `ledger's record ${expectedSeq - 1} has hash ${lastHash}, ours ${ours.hash}` });
        return false;
      }
      this.o.spool.markSent(first, expectedSeq - 1, { resync: { expectedSeq, lastHash } });
      this.lastSentSeq = Math.max(this.lastSentSeq, expectedSeq - 1);
      this.o.backoff.reset();
      return true;
    }
    // The ledger lacks records it acknowledged. Its receipts prove it broke its word: alarm (durably, with the
    // receipts) before they are dropped for the resend; a crash in between only repeats the same alarm.
    if (this.o.spool.hashOf(expectedSeq) !== undefined) {
      const receipts = this.o.spool.receiptsFrom(expectedSeq);
      this.alarm({
        code: "ledger_lost_acknowledged", key: `ledger_lost_acknowledged:${expectedSeq}..${first - 1}`, persistent: true,
        message: `ledger lost records ${expectedSeq}..${first - 1} it had acknowledged (${receipts.length} receipts kept as evidence); sending them again`,
        evidence: { expectedSeq, ledgerLastHash: lastHash, acknowledgedThrough: first - 1, answer: { status: answer.status, code: answer.code, message: answer.message }, receipts },
      });
    }
    const reset = this.o.spool.resetToPending(expectedSeq);
    if (reset > 0 && this.o.spool.pending(1, 0)[0]?.seq === expectedSeq) {
      this.o.log.warn({ expectedSeq, resent: reset }, "ledger lacks delivered records; sending them again");
      return true;
    }
    this.alarm({ code: "ledger_missing_records", key: `ledger_missing_records:${expectedSeq}`, persistent: true, message: `ledger expects seq ${expectedSeq} but the spool no longer holds records before ${first}`, evidence: { expectedSeq, ledgerLastHash: lastHash, firstHeld: first } });
    return false;
  }

  private lastAlarm = "";

  private alarm(alarm: DeliveryAlarm): void {
    // a retried failure is one alarm, not one per attempt; a different failure is a new one
    if (alarm.key === this.lastAlarm) return;
    this.lastAlarm = alarm.key;
    this.o.onAlarm?.(alarm);
  }
}
