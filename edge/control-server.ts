/**
 * Loopback control endpoint of a running agent: manual events (POST /v1/events, one or a batch), status
 * (GET /status) and Prometheus metrics (GET /metrics). Bound to loopback only: anyone who can reach it can add
 * signed events, so it must never face the plant network.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { z } from "zod";
import { FlatEventSchema, type FlatEvent as EventBody } from "./capture/event-draft.ts";

/** A manual event: core's event body with optional fields defaulted to null. */
export const ManualEventSchema = z.strictObject({
  type: FlatEventSchema.shape.type,
  asset: FlatEventSchema.shape.asset.optional().default(null),
  workOrder: FlatEventSchema.shape.workOrder.optional().default(null),
  actor: FlatEventSchema.shape.actor.optional().default(null),
  text: FlatEventSchema.shape.text,
  source: FlatEventSchema.shape.source,
  /** when it happened; defaults to now */
  at: z.iso.datetime().optional(),
});
export type ManualEvent = z.infer<typeof ManualEventSchema>;
const BatchSchema = z.strictObject({ events: z.array(ManualEventSchema).min(1).max(10_000) });

export interface ControlHandlers {
  addEvents(events: { body: EventBody; at: Date }[]): { seq: number; hash: string }[];
  status(): unknown;
  metrics(): Promise<{ contentType: string; body: string }>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024 * 1024) throw Object.assign(new Error("body too large"), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw Object.assign(new Error("body is not JSON"), { status: 400, code: "invalid_json" });
  }
}

function toEvent(e: ManualEvent): { body: EventBody; at: Date } {
  const { at, source, ...rest } = e;
  return { body: { ...rest, ...(source ? { source } : {}) }, at: at ? new Date(at) : new Date() };
}

export async function startControlServer(host: string, port: number, handlers: ControlHandlers): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown, type = "application/json") => {
      res.writeHead(status, { "content-type": type });
      res.end(type === "application/json" ? JSON.stringify(body) : String(body));
    };
    void (async () => {
      try {
        if (req.method === "GET" && req.url === "/metrics") {
          const m = await handlers.metrics();
          return send(200, m.body, m.contentType);
        }
        if (req.method === "GET" && req.url === "/status") return send(200, handlers.status());
        if (req.method === "POST" && (req.url === "/v1/events" || req.url === "/v1/events/batch")) {
          const raw = await readJson(req);
          const parsed = req.url === "/v1/events" ? ManualEventSchema.safeParse(raw) : BatchSchema.safeParse(raw);
          if (!parsed.success) {
            const issue = parsed.error.issues[0]!;
            return send(400, { code: "event_invalid", path: issue.path, message: `${issue.path.join(".") || "body"}: ${issue.message}` });
          }
          const events = "events" in parsed.data ? parsed.data.events : [parsed.data as ManualEvent];
          return send(201, { records: handlers.addEvents(events.map(toEvent)) });
        }
        return send(404, { code: "not_found", message: `${req.method} ${req.url} is not an agent endpoint` });
      } catch (err) {
        const e = err as Error & { status?: number; code?: string };
        return send(e.status ?? 500, { code: e.code ?? (e.status ? "bad_request" : "internal"), message: e.message });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
  return { server, url, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}
