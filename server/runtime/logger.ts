// The service's pino logger. Logs go to stdout: NDJSON (numeric level, epoch ms) when stdout is a pipe or file,
// for collectors; readable lines (pino-pretty) when it is a terminal. The start-up banner is not a log line and goes
// to stderr (server.ts), so piped stdout stays pure NDJSON.
import { pino, type Logger, type LoggerOptions } from "pino";
import pretty from "pino-pretty";

export type LogFormat = "json" | "pretty";
export type LogFormatSetting = LogFormat | "auto";

/** Credentials never reach the log. */
export const LOG_REDACT = ["req.headers.authorization", "req.headers.cookie"];

/** "auto": pretty on a terminal, JSON otherwise. */
export function chooseLogFormat(setting: LogFormatSetting, stdout: { isTTY?: boolean }): LogFormat {
  if (setting !== "auto") return setting;
  return stdout.isTTY === true ? "pretty" : "json";
}

export type LoggerSettings = { level: string; format?: LogFormatSetting; destination?: NodeJS.WritableStream & { isTTY?: boolean } };

export function createLogger(settings: LoggerSettings): Logger {
  const destination = settings.destination ?? process.stdout;
  const options: LoggerOptions = { level: settings.level, redact: LOG_REDACT };
  if (chooseLogFormat(settings.format ?? "auto", destination) === "json") {
    return settings.destination === undefined ? pino(options) : pino(options, destination);
  }
  return pino(options, pretty({ destination, sync: true, colorize: destination.isTTY === true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }));
}
