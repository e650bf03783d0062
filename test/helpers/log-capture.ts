/**
 * Captures the service's pino JSON log lines in memory, for tests that assert what was logged.
 *
 *   const logs = captureLogs();
 *   const ledger = await startTestLedger({ server: { logger: logs.logger("warn") } });
 *   logs.lines().filter((l) => l.level >= 50 && l.reqId === "r-1");
 */
import { Writable } from "node:stream";

export type LogLine = { level: number; msg?: string; reqId?: string; [key: string]: unknown };

export function captureLogs() {
  let text = "";
  const stream = new Writable({ write(chunk, _enc, done) { text += chunk.toString(); done(); } });
  return {
    stream,
    /** Fastify `logger` options writing to this capture (the service's redaction kept). */
    logger: (level = "info") => ({ level, stream, redact: ["req.headers.authorization", "req.headers.cookie"] }),
    lines: (): LogLine[] => text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as LogLine),
  };
}
