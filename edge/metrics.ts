/** Prometheus metrics of one agent (prom-client, own registry), served on the loopback control port. */
import { Counter, Gauge, Registry } from "prom-client";
import type { Alarm } from "./alarms.ts";
import type { ConnectionState } from "./capture/capture.ts";
import type { Spool } from "./spool/spool.ts";

export const CONNECTION_STATES: ConnectionState[] = ["connecting", "connected", "reconnecting", "stopped"];

export function createAgentMetrics(spool: Spool, connectionState: () => ConnectionState, activeAlarms: () => readonly Alarm[] = () => []) {
  const registry = new Registry();
  const stat = () => spool.stats();
  new Gauge({ name: "otledger_edge_spool_pending_records", help: "Records produced but not yet acknowledged by the ledger", registers: [registry], collect() { this.set(stat().pending); } });
  new Gauge({ name: "otledger_edge_spool_unaudited_records", help: "Records acknowledged but not yet verified as anchored", registers: [registry], collect() { this.set(stat().sent); } });
  new Gauge({ name: "otledger_edge_spool_bytes", help: "Bytes of records held in the spool", registers: [registry], collect() { this.set(stat().bytes); } });
  // Exported so an alert can say "80 % full" without knowing each box's configured cap.
  new Gauge({ name: "otledger_edge_spool_max_bytes", help: "The spool's cap on stored bytes (spool.maxBytes)", registers: [registry], collect() { this.set(spool.maxBytes); } });
  new Gauge({ name: "otledger_edge_open_window_samples", help: "Captured samples in open series windows (durable, not sealed yet)", registers: [registry], collect() { this.set(stat().openSamples); } });
  new Gauge({ name: "otledger_edge_last_seq", help: "Seq of the last record produced", registers: [registry], collect() { this.set(stat().lastSeq); } });
  new Gauge({ name: "otledger_edge_last_anchored_seq", help: "Every record up to this seq left the spool verified as anchored (or evicted, see evicted_unaudited)", registers: [registry], collect() { this.set(stat().lastAnchoredSeq); } });
  new Gauge({
    name: "otledger_edge_delivery_lag_seconds", help: "Age of the oldest record not yet acknowledged (0 when none)", registers: [registry],
    collect() { this.set((stat().oldestPendingAgeMs ?? 0) / 1000); },
  });
  new Gauge({
    name: "otledger_edge_opcua_connection_state", help: "1 for the current OPC UA connection state", labelNames: ["state"], registers: [registry],
    collect() { const s = connectionState(); for (const state of CONNECTION_STATES) this.set({ state }, state === s ? 1 : 0); },
  });
  new Gauge({
    name: "otledger_edge_alarms_active", help: "Alarms active now, by code (persistent ones survive restarts)", labelNames: ["code"], registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const a of activeAlarms()) counts.set(a.code, (counts.get(a.code) ?? 0) + 1);
      for (const [code, n] of counts) this.set({ code }, n);
    },
  });
  return {
    registry,
    samples: new Counter({ name: "otledger_edge_samples_total", help: "Samples captured into series windows (durable in the spool)", registers: [registry] }),
    sealed: new Counter({ name: "otledger_edge_records_sealed_total", help: "Records sealed (series, reading, event)", labelNames: ["kind"], registers: [registry] }),
    late: new Counter({ name: "otledger_edge_late_samples_total", help: "Samples older than their stream's sealed head, recorded as note events instead", registers: [registry] }),
    events: new Counter({ name: "otledger_edge_events_total", help: "Events recorded", labelNames: ["type"], registers: [registry] }),
    refused: new Counter({ name: "otledger_edge_samples_refused_total", help: "Samples refused by the spool full policy", registers: [registry] }),
    envelopes: new Counter({ name: "otledger_edge_envelopes_total", help: "Envelopes acknowledged by the ledger", labelNames: ["outcome"], registers: [registry] }),
    deliveryFailures: new Counter({ name: "otledger_edge_delivery_failures_total", help: "Failed envelope submissions", labelNames: ["kind"], registers: [registry] }),
    alarms: new Counter({ name: "otledger_edge_alarms_total", help: "Alarms raised by the agent", labelNames: ["code"], registers: [registry] }),
    verified: new Counter({ name: "otledger_edge_records_verified_total", help: "Records verified as anchored and purged", registers: [registry] }),
  };
}
export type AgentMetrics = ReturnType<typeof createAgentMetrics>;
