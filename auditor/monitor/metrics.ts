// The monitor's Prometheus metrics (names as server/ops/metrics.ts: otledger_…, units in the name), one registry.
import client from "prom-client";
import { FINDING_CODES } from "../audit/findings.ts";

export type MonitorMetrics = ReturnType<typeof createMonitorMetrics>;

export const RUN_OUTCOMES = ["clean", "findings", "error"] as const;

export function createMonitorMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "otledger_monitor_" });
  const gauge = (name: string, help: string) => new client.Gauge({ name, help, registers: [registry] });
  const m = {
    registry,
    auditedCheckpoint: gauge("otledger_monitor_audited_checkpoint_index", "Index of the last anchored checkpoint audited clean (-1 before the first)"),
    auditedTreeSize: gauge("otledger_monitor_audited_tree_size", "Tree size of the last checkpoint audited clean"),
    chainCheckpoint: gauge("otledger_monitor_chain_checkpoint_index", "Index of the newest checkpoint on LedgerAnchor (-1 while there is none)"),
    lagCheckpoints: gauge("otledger_monitor_lag_checkpoints", "Checkpoints on chain not yet audited clean"),
    lagSeconds: gauge("otledger_monitor_lag_seconds", "Seconds since the oldest checkpoint not yet audited clean was anchored (0 when caught up)"),
    openFindings: gauge("otledger_monitor_open_findings", "Findings of the last audit run (0 after a clean run)"),
    lastSuccess: gauge("otledger_monitor_last_success_timestamp_seconds", "Unix time of the last clean audit run"),
    findings: new client.Counter({ name: "otledger_monitor_findings_total", help: "Findings reported, by code", labelNames: ["code"] as const, registers: [registry] }),
    runs: new client.Counter({ name: "otledger_monitor_audit_runs_total", help: "Incremental audit runs, by outcome", labelNames: ["outcome"] as const, registers: [registry] }),
    records: new client.Counter({ name: "otledger_monitor_audited_records_total", help: "Records audited", registers: [registry] }),
  };
  // Every series exists from the start (at 0), so rate() and increase() see the first event.
  for (const outcome of RUN_OUTCOMES) m.runs.inc({ outcome }, 0);
  for (const code of FINDING_CODES) m.findings.inc({ code }, 0);
  m.auditedCheckpoint.set(-1);
  m.chainCheckpoint.set(-1);
  return m;
}
