// `otledger monitor`: the Monitor loop, its /metrics endpoint (Prometheus text, prom-client) and a graceful stop
// on SIGTERM/SIGINT (the audit in progress finishes, so a state is never left half-advanced; writes are atomic anyway).
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import pino from "pino";
import { Monitor, type MonitorOptions } from "./loop.ts";
import { createMonitorMetrics } from "./metrics.ts";

export type MonitorCommandOptions = MonitorOptions & { metricsPort: number; metricsHost: string };

async function serveMetrics(registry: ReturnType<typeof createMonitorMetrics>["registry"], host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: "not_found", message: "only GET /metrics is served", path: [] }));
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (err: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(err.message),
    );
  });
  server.listen(port, host);
  await once(server, "listening");
  return server;
}

/** Runs until SIGTERM/SIGINT (exit 0) or, with --exit-on-finding, the first finding (exit 1). */
export async function monitorCommand(o: MonitorCommandOptions): Promise<0 | 1> {
  const log = pino({ name: "otledger-monitor" }, pino.destination(2));
  const metrics = createMonitorMetrics();
  const server = await serveMetrics(metrics.registry, o.metricsHost, o.metricsPort);
  const address = server.address();
  const url = typeof address === "object" && address !== null ? `http://${o.metricsHost}:${address.port}/metrics` : "";
  log.info({ metrics: url, state: o.stateFile, api: o.api, intervalMs: o.intervalMs }, "monitor started");
  const monitor = new Monitor(o, metrics, log);
  const stop = (signal: string) => { log.info({ signal }, "stopping after the current poll"); monitor.stop(); };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  try {
    return await monitor.run();
  } finally {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
    log.info({ exitCode: monitor.exitCode }, "monitor stopped");
    log.flush();
  }
}
