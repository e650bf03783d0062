// The dashboard and the alert rules name only metrics that the real service and the real agent export: both
// are started (service on PostgreSQL + anvil, agent on the OPC UA simulator, delivering to the service), both
// /metrics endpoints are scraped, and every metric name in a PromQL expression must be among them.
import { readFileSync } from "node:fs";
import t from "tap";
import { parse } from "yaml";
import { startAgent } from "../../edge/agent.ts";
import { startSimulator } from "../../edge/simulator/server.ts";
import { edgeConfig, makeKeystore, tempDir, testLog } from "../edge/helpers.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { startMonitor } from "../auditor/fixture/monitor-process.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { dashboardExprs, exportedNames, metricNames } from "./promql-names.ts";

const root = new URL("../../", import.meta.url);
const dashboard = JSON.parse(readFileSync(new URL("ops/grafana/otledger.json", root), "utf8"));
const rules = parse(readFileSync(new URL("ops/prometheus/otledger-rules.yml", root), "utf8")) as { groups: { name: string; rules: { alert: string; expr: string }[] }[] };
/** Made by Prometheus itself for every scrape target, not by a component. */
const PROMETHEUS_OWN = new Set(["up"]);

/** Names (with where each is used) no scrape exports; otledger_edge_* must come from the agent, otledger_monitor_* from the monitor, the rest from the service. */
function missing(uses: { where: string; expr: string }[], service: Set<string>, edge: Set<string>, monitor: Set<string> = new Set()): string[] {
  const out: string[] = [];
  for (const { where, expr } of uses) {
    for (const name of metricNames(expr)) {
      if (PROMETHEUS_OWN.has(name)) continue;
      const exported = name.startsWith("otledger_edge_") ? edge : name.startsWith("otledger_monitor_") ? monitor : service;
      if (!exported.has(name)) out.push(`${name} (${where})`);
    }
  }
  return out;
}

t.test("the name extractor", async (t) => {
  t.same([...metricNames('histogram_quantile(0.99, sum by (le, route) (rate(otledger_http_request_duration_seconds_bucket{route="/v1/envelopes", job=~"$job"}[$__rate_interval]))) > 2')],
    ["otledger_http_request_duration_seconds_bucket"], "functions, grouping, matchers, ranges and variables are not names");
  t.same([...metricNames('a_total / on(instance) group_left b_bytes > 0.8 and changes(c_seq[1h]) == 0 unless d offset 5m')].sort(), ["a_total", "b_bytes", "c_seq", "d"], "binary operators and keywords");
  t.same([...metricNames('sum(x{code!~"self_audit_failed|ledger_lost"}) > 0')], ["x"], "regex label values are not names");
  const scrape = "# HELP h_seconds x\n# TYPE h_seconds histogram\nh_seconds_bucket{le=\"1\"} 0\n# TYPE c_total counter\n";
  t.same([...exportedNames(scrape)].sort(), ["c_total", "h_seconds", "h_seconds_bucket", "h_seconds_count", "h_seconds_sum"], "histograms carry their series suffixes; a labelled counter with no samples yet is exported");
  // The check can fail: a made-up name and an edge name the service does not export are both reported.
  t.same(missing([{ where: "x", expr: "rate(otledger_made_up_total[5m]) + otledger_edge_spool_bytes + c_total" }], exportedNames(scrape), new Set()),
    ["otledger_made_up_total (x)", "otledger_edge_spool_bytes (x)"]);
});

t.test("every metric in the dashboard and the rules is exported by the real service or agent", async (t) => {
  const ledger = await startTestLedger();
  t.teardown(() => ledger.close());
  const sim = await startSimulator({ tickMs: 50, timeScale: 5 });
  t.teardown(() => sim.stop());
  const dir = tempDir("ops-metrics");
  const key = await makeKeystore(dir);
  await ledger.chain.registerDevice(key.address);
  const agent = await startAgent(edgeConfig({
    endpoint: sim.endpointUrl, dir, keystore: key.file, ledgerUrl: ledger.url,
    opcua: { window: { seconds: 1, maxSamples: 4096 } },
    // the bare service has no GET /v1/info (the partner API serves it): the domain is configured
    ledger: { chainId: ledger.chain.chainId, contract: ledger.chain.contract, rpcUrl: ledger.chain.rpcUrl },
    selfAudit: { enabled: false },
  }), { log: testLog });
  t.teardown(() => agent.stop());
  await agent.capture.ready;
  // Wait until the agent has delivered: the wiring is real, not just registered metrics.
  const [service, edge] = await waitFor(async () => {
    const s = await (await fetch(`${ledger.url}/metrics`)).text();
    const e = await (await fetch(`${agent.control.url}/metrics`)).text();
    return /^otledger_ingest_envelopes_total\{outcome="accepted"\} [1-9]/m.test(s) && /^otledger_edge_envelopes_total\{outcome="accepted"\} [1-9]/m.test(e) ? [s, e] : undefined;
  }, { what: "an envelope from the agent accepted by the service", timeoutMs: 30_000 });

  // The real monitor (a child process) following the same service and chain; its metrics exist from the start.
  const monitor = await startMonitor(["--api", ledger.url, "--api-key", "not-a-key", "--rpc", ledger.chain.rpcUrl, "--contract", ledger.chain.contract,
    "--state", `${dir}/monitor-state.json`, "--interval", "1s"]);
  t.teardown(() => monitor.stop());
  const monitorText = await (await fetch(monitor.metricsUrl)).text();

  const uses = [
    ...dashboardExprs(dashboard).map((expr) => ({ where: "dashboard", expr })),
    ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `rule ${r.alert}`, expr: r.expr }))),
  ];
  t.ok(uses.length > 40, `${uses.length} expressions checked`);
  const named = new Set(uses.flatMap((u) => [...metricNames(u.expr)]));
  t.ok(named.has("otledger_http_request_duration_seconds_bucket") && named.has("otledger_edge_opcua_connection_state"), "the extraction finds the names (service and edge)");
  t.ok(named.has("otledger_monitor_findings_total") && named.has("otledger_monitor_lag_seconds"), "the monitor's findings and lag are used");
  t.same(missing(uses, exportedNames(service), exportedNames(edge), exportedNames(monitorText)), [], "no dashboard panel or rule names a metric that is not exported");
});

t.teardown(() => stopTestCluster());
