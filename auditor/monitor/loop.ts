// `otledger monitor`: follows LedgerAnchor like a Certificate Transparency monitor. Each poll reads the newest
// checkpoint; when one appears that is not yet audited, it runs the incremental audit up to it (saving the state
// after a clean run). A finding is logged and counted; with exitOnFinding the loop ends with exit code 1,
// otherwise the state stays at the last clean checkpoint and the next newer checkpoint is audited again from there.
import type { Logger } from "pino";
import { connectLedgerAnchor, type LedgerAnchorReader } from "../../sdk/ledger-anchor.ts";
import { runIncrementalAudit, type IncrementalOptions } from "../incremental/run.ts";
import { readState, type AuditState } from "../incremental/state.ts";
import type { MonitorMetrics } from "./metrics.ts";

export type MonitorOptions = IncrementalOptions & { intervalMs: number; exitOnFinding: boolean };

export class Monitor {
  readonly #o: MonitorOptions;
  readonly #metrics: MonitorMetrics;
  readonly #log: Logger;
  readonly #stop = new AbortController();
  #reader: LedgerAnchorReader | null = null;
  /** The newest checkpoint whose audit ended in findings: not audited again until a newer one appears. */
  #failedAt = -1;
  exitCode: 0 | 1 = 0;

  constructor(o: MonitorOptions, metrics: MonitorMetrics, log: Logger) {
    this.#o = o;
    this.#metrics = metrics;
    this.#log = log;
  }

  stop(): void {
    this.#stop.abort();
  }

  /** Polls until stop() or, with exitOnFinding, the first finding. */
  async run(): Promise<0 | 1> {
    try {
      while (!this.#stop.signal.aborted) {
        await this.tick().catch((err: Error) => {
          this.#metrics.runs.inc({ outcome: "error" });
          this.#log.error({ err: { message: err.message, code: (err as { code?: string }).code } }, "monitor poll failed; retrying");
        });
        if (this.#stop.signal.aborted) break;
        await new Promise<void>((ok) => {
          const timer = setTimeout(ok, this.#o.intervalMs);
          this.#stop.signal.addEventListener("abort", () => { clearTimeout(timer); ok(); }, { once: true });
        });
      }
    } finally {
      this.#reader?.close();
    }
    return this.exitCode;
  }

  async #chain(contract: string | undefined): Promise<LedgerAnchorReader | null> {
    if (this.#reader) return this.#reader;
    if (!contract) return null;
    this.#reader = await connectLedgerAnchor(this.#o.rpc, contract, this.#o.chainId === undefined ? {} : { expectedChainId: this.#o.chainId });
    return this.#reader;
  }

  /** One poll: read the chain's newest checkpoint, audit if something new is anchored, update the gauges. */
  async tick(): Promise<void> {
    const saved = await readState(this.#o.stateFile);
    const reader = await this.#chain(this.#o.contract ?? saved?.contract);
    const newest = reader ? (await reader.checkpointCount()) - 1 : null;
    await this.#gauges(saved, newest, reader);
    const audited = saved?.checkpoint.index ?? -1;
    if (newest !== null && (newest <= audited || newest <= this.#failedAt)) return;
    const report = await runIncrementalAudit(this.#o);
    this.#metrics.records.inc(report.stats.records);
    const after = await readState(this.#o.stateFile);
    await this.#gauges(after, report.chain?.newest?.checkpoint ?? newest, await this.#chain(report.chain?.contract));
    if (report.verdict === "clean") {
      this.#metrics.runs.inc({ outcome: "clean" });
      this.#metrics.openFindings.set(0);
      this.#metrics.lastSuccess.set(Date.now() / 1000);
      this.#log.info({ resumedFrom: report.resumedFrom, auditedTo: report.auditedTo, records: report.stats.records, leaves: report.stats.leaves, ms: Math.round(report.stats.totalMs) }, "audit clean");
      return;
    }
    this.#metrics.runs.inc({ outcome: "findings" });
    this.#metrics.openFindings.set(report.totalFindings);
    for (const [code, n] of Object.entries(report.counts)) this.#metrics.findings.inc({ code }, n);
    for (const f of report.findings) this.#log.error({ finding: f }, `finding ${f.code}`);
    this.#failedAt = report.chain?.newest?.checkpoint ?? newest ?? 0;
    this.#log.error({ counts: report.counts, resumedFrom: report.resumedFrom, state: this.#o.stateFile }, `audit found ${report.totalFindings} finding(s); the state stays at the last clean checkpoint`);
    if (this.#o.exitOnFinding) {
      this.exitCode = 1;
      this.stop();
    }
  }

  async #gauges(state: AuditState | null, newest: number | null, reader: LedgerAnchorReader | null): Promise<void> {
    const m = this.#metrics;
    const audited = state?.checkpoint.index ?? -1;
    m.auditedCheckpoint.set(audited);
    m.auditedTreeSize.set(state?.checkpoint.treeSize ?? 0);
    if (newest === null || reader === null) return;
    m.chainCheckpoint.set(newest);
    m.lagCheckpoints.set(Math.max(0, newest - audited));
    if (newest <= audited) return void m.lagSeconds.set(0);
    const oldestUnaudited = await reader.checkpointAt(audited + 1);
    m.lagSeconds.set(Math.max(0, Date.now() / 1000 - oldestUnaudited.timestamp));
  }
}
