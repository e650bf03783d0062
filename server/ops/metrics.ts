// Prometheus metrics, one registry per app instance (several instances can share a process in tests).
import client from "prom-client";

export type LedgerMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(status: () => Promise<{ logSize: number; anchoredSize: number; lagLeaves: number; lagSeconds: number }>) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "otledger_" });
  let last: Awaited<ReturnType<typeof status>> | undefined;
  // One status query per scrape, shared by the four gauges that collect from it.
  let inflight: { at: number; done: Promise<void> } | undefined;
  const refresh = () => {
    if (inflight === undefined || Date.now() - inflight.at > 500) {
      inflight = { at: Date.now(), done: status().then((s) => { last = s; }, () => {}) };
    }
    return inflight.done;
  };
  const gauge = (name: string, help: string, pick: (s: NonNullable<typeof last>) => number) =>
    new client.Gauge({ name, help, registers: [registry], async collect() { await refresh(); if (last !== undefined) this.set(pick(last)); } });
  return {
    registry,
    envelopes: new client.Counter({ name: "otledger_ingest_envelopes_total", help: "Envelope submissions by outcome code", labelNames: ["outcome"] as const, registers: [registry] }),
    records: new client.Counter({ name: "otledger_ingest_records_total", help: "Records accepted (the ingest rate is its rate())", registers: [registry] }),
    chainErrors: new client.Counter({ name: "otledger_chain_errors_total", help: "Failed chain operations by component", labelNames: ["component"] as const, registers: [registry] }),
    anchors: new client.Counter({ name: "otledger_anchors_total", help: "Checkpoints anchored and confirmed by this replica", registers: [registry] }),
    checkpoints: new client.Counter({ name: "otledger_checkpoints_total", help: "Checkpoints cut by this replica", registers: [registry] }),
    logSize: gauge("otledger_log_size", "Leaves in the global log", (s) => s.logSize),
    anchoredSize: gauge("otledger_last_anchored_tree_size", "Tree size of the last anchored checkpoint", (s) => s.anchoredSize),
    lagLeaves: gauge("otledger_anchoring_lag_leaves", "Leaves not yet covered by an anchored checkpoint", (s) => s.lagLeaves),
    lagSeconds: gauge("otledger_anchoring_lag_seconds", "Age of the oldest checkpoint not yet anchored", (s) => s.lagSeconds),
  };
}
