// Prometheus metrics, one registry per app instance (several instances can share a process in tests).
import client from "prom-client";

export type LedgerMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(status: () => Promise<{ logSize: number; anchoredSize: number; lagLeaves: number; lagSeconds: number }>) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "otledger_" });
  let last: Awaited<ReturnType<typeof status>> | undefined;
  let lastOk = false;
  // One status query per scrape, shared by the gauges that collect from it.
  let inflight: { at: number; done: Promise<void> } | undefined;
  const refresh = () => {
    if (inflight === undefined || Date.now() - inflight.at > 500) {
      inflight = { at: Date.now(), done: status().then((s) => { last = s; lastOk = true; }, () => { lastOk = false; }) };
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
    // 1 while the status query of the last scrape answered: the other status gauges keep their last value
    // through a database outage, so alerts on them need this beside them to tell "stale" from "fine".
    databaseUp: new client.Gauge({
      name: "otledger_database_up", help: "1 if the status query of this scrape reached PostgreSQL, else 0", registers: [registry],
      async collect() { await refresh(); this.set(lastOk ? 1 : 0); },
    }),
    // Labels are bounded: the method from a fixed list, the route pattern (never the raw URL) or "unmatched",
    // the status class. Buckets span a cached read (ms) to a slow ingest under group commit (seconds).
    httpDuration: new client.Histogram({
      name: "otledger_http_request_duration_seconds", help: "HTTP request duration by method, route pattern and status class",
      labelNames: ["method", "route", "status_class"] as const, registers: [registry],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
  };
}
