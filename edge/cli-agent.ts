/**
 * How the CLI talks to a running agent (its loopback control endpoint, found through control.json in the spool
 * dir) and what it shows when the agent is down or does not answer: the spool and the persistent alarms, read
 * from disk. Every request has a timeout: a stopped (SIGSTOP) or hung agent still accepts TCP connections.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentConfig } from "./config.ts";

/** Default wait for the agent's answer before the CLI falls back to the spool (status) or gives up (events). */
export const AGENT_TIMEOUT_MS = 5_000;

/**
 * node:sqlite prints an ExperimentalWarning on first load; operators would read it as a fault. Silence that one
 * warning, then load the modules that use it.
 */
export async function loadQuietly<T>(load: () => Promise<T>): Promise<T> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (/SQLite is an experimental feature/.test(String(warning))) return;
    (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await load();
  } finally {
    process.emitWarning = emit;
  }
}

/** URL of the running agent's control endpoint (from control.json in the spool dir, else the configured port). */
function agentUrl(config: AgentConfig): string {
  const file = join(config.spool.dir, "control.json");
  if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { url: string }).url;
  return `http://${config.control.host}:${config.control.port}`;
}

export type AgentCallErrorCode = "agent_not_running" | "agent_not_answering" | "agent_error";
const agentError = (code: AgentCallErrorCode, message: string) => Object.assign(new Error(message), { code });

export async function callAgent(config: AgentConfig, path: string, body?: unknown, timeoutMs = AGENT_TIMEOUT_MS): Promise<unknown> {
  const url = agentUrl(config);
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  let answer: { message?: string; code?: string };
  try {
    res = await fetch(`${url}${path}`, body === undefined ? { signal } : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
    answer = (await res.json()) as typeof answer;
  } catch (err) {
    if ((err as Error).name === "TimeoutError") throw agentError("agent_not_answering", `the edge agent at ${url} did not answer within ${timeoutMs} ms (stopped or hung?)`);
    throw agentError("agent_not_running", `the edge agent is not running (no answer at ${url}); start it with: otledger edge --config <file>`);
  }
  if (!res.ok) throw agentError("agent_error", answer.message ?? `agent answered ${res.status}`);
  return answer;
}

/** What `edge status` shows without the agent: the spool's state and its persistent alarms. */
export async function offlineStatus(config: AgentConfig, agent: "not running" | "not answering"): Promise<Record<string, unknown>> {
  if (!existsSync(join(config.spool.dir, "spool.sqlite"))) return { agent, spool: "no spool yet", alarms: [] };
  const [{ Spool }, { AlarmStore }] = await loadQuietly(() => Promise.all([import("./spool/spool.ts"), import("./spool/alarm-store.ts")]));
  const keystore = JSON.parse(readFileSync(config.device.keystore, "utf8")) as { address?: string };
  const device = `0x${String(keystore.address ?? "").replace(/^0x/i, "")}`.toLowerCase();
  const spool = new Spool(config.spool.dir, { device, maxBytes: config.spool.maxBytes, whenFull: config.spool.whenFull });
  try {
    return { agent, device, spool: spool.stats(), alarms: AlarmStore.readIfPresent(config.spool.dir).map((a) => ({ ...a, persistent: true })) };
  } finally {
    spool.close();
  }
}

/** Dotted `key value` lines; alarms one per line (their evidence only with --json). */
export function formatStatus(s: Record<string, unknown>): string {
  const lines: string[] = [];
  const walk = (obj: unknown, prefix: string) => {
    if (prefix === "alarms" && Array.isArray(obj)) {
      if (obj.length === 0) return void lines.push(`${"alarms".padEnd(28)} none`);
      for (const a of obj as { code: string; message: string; at: string; persistent?: boolean; evidence?: unknown }[]) {
        lines.push(`${"alarm".padEnd(28)} ${a.at} ${a.code}${a.persistent ? " (persistent)" : ""}: ${a.message}${a.evidence === undefined ? "" : " [evidence: --json]"}`);
      }
      return;
    }
    if (obj && typeof obj === "object" && !Array.isArray(obj)) for (const [k, v] of Object.entries(obj)) walk(v, prefix ? `${prefix}.${k}` : k);
    else lines.push(`${prefix.padEnd(28)} ${Array.isArray(obj) ? (obj.length ? JSON.stringify(obj) : "none") : String(obj)}`);
  };
  walk(s, "");
  return `${lines.join("\n")}\n`;
}
