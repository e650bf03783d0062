/**
 * The agent's one configuration file (YAML or JSON), validated with zod. A bad file fails at start with the
 * dotted path of the first bad field, e.g. `opcua.nodes.2.samplingInterval: Too small: expected number to be >=0`.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const secretSource = z.strictObject({
  /** name of the environment variable holding the secret */
  passwordEnv: z.string().min(1).optional(),
  /** file holding the secret (trailing newline ignored) */
  passwordFile: z.string().min(1).optional(),
});

const DeadbandSchema = z.strictObject({ type: z.enum(["absolute", "percent"]), value: z.number().min(0) });

/**
 * A tag's series window (PROTOCOL §4.1): samples are batched into one series record until `seconds` have
 * passed since the window's first sample (by sample time, or by the agent's clock for a tag that went quiet) or
 * it holds `maxSamples` (at most 4,096, the series limit). 60 s gives a 1 Hz tag 60 samples per record.
 */
export const WindowSchema = z.strictObject({
  seconds: z.number().positive().max(86_400).default(60),
  maxSamples: z.number().int().min(1).max(4096).default(4096),
});
export const DEFAULT_WINDOW_CONFIG = { seconds: 60, maxSamples: 4096 };

export const NodeSchema = z.strictObject({
  nodeId: z.string().min(1),
  /** the stream name of the tag's records (PROTOCOL §3.2: 1–256 characters, not starting with "@") */
  tag: z.string().min(1).max(256).regex(/^[^@]/, "a tag name must not start with @ (reserved for @events, @access, @erasure)"),
  samplingInterval: z.number().int().min(0).max(3_600_000).default(1000),
  queueSize: z.number().int().min(1).max(100_000).default(100),
  deadband: DeadbandSchema.optional(),
  /** engineering unit recorded with each reading; omitted → read from the node's EngineeringUnits property */
  unit: z.string().min(1).max(64).nullable().optional(),
  /** this tag's series window; fields left out come from opcua.window */
  window: z.strictObject({ seconds: WindowSchema.shape.seconds.unwrap().optional(), maxSamples: WindowSchema.shape.maxSamples.unwrap().optional() }).optional(),
});

export const EventSourceConfigSchema = z.strictObject({
  /** notifier to subscribe to; the Server object (i=2253) receives every event in the server */
  nodeId: z.string().min(1).default("ns=0;i=2253"),
});

export const ConfigSchema = z.strictObject({
  opcua: z.strictObject({
    endpoint: z.string().regex(/^opc\.tcp:\/\/.+/, "expected an opc.tcp:// URL"),
    securityMode: z.enum(["None", "Sign", "SignAndEncrypt"]).default("None"),
    securityPolicy: z.enum(["None", "Basic256Sha256"]).default("None"),
    credentials: z.strictObject({ username: z.string().min(1), ...secretSource.shape }).optional(),
    /** client certificate store and server trust lists (trusted/, rejected/); defaults to <spool.dir>/pki */
    pkiDir: z.string().min(1).optional(),
    /** which server certificates the agent accepts (Sign/SignAndEncrypt); unknown ones are refused by default */
    serverTrust: z.strictObject({
      /** SHA-1 thumbprints of server certificates to trust (as `otledger edge trust` or UaExpert show them) */
      pinnedThumbprints: z.array(z.string().regex(/^(?:[0-9a-fA-F]{2}[:\s]?){19}[0-9a-fA-F]{2}$/, "expected a SHA-1 thumbprint: 40 hex digits, colons allowed")).default([]),
      /** trust ANY server certificate (lab only: an impostor would get the user password); logged loudly */
      acceptUnknown: z.boolean().default(false),
    }).default({ pinnedThumbprints: [], acceptUnknown: false }),
    publishingInterval: z.number().int().min(10).max(60_000).default(100),
    nodes: z.array(NodeSchema).min(1),
    /** default series window of every node (each node may set its own `window`) */
    window: WindowSchema.default(DEFAULT_WINDOW_CONFIG),
    events: z.array(EventSourceConfigSchema).default([]),
    reconnect: z.strictObject({
      initialDelayMs: z.number().int().min(10).default(500),
      maxDelayMs: z.number().int().min(10).default(30_000),
    }).default({ initialDelayMs: 500, maxDelayMs: 30_000 }),
  }).superRefine((o, ctx) => {
    const seen = new Map<string, number>();
    o.nodes.forEach((n, i) => {
      // one tag is one stream: two nodes under one name would interleave two series in one chain
      if (seen.has(n.tag)) ctx.addIssue({ code: "custom", path: ["nodes", i, "tag"], message: `tag ${n.tag} is already used by nodes.${seen.get(n.tag)}` });
      seen.set(n.tag, i);
    });
    if ((o.securityMode === "None") !== (o.securityPolicy === "None")) {
      ctx.addIssue({ code: "custom", path: ["securityMode"], message: "securityMode None goes with securityPolicy None, and Sign/SignAndEncrypt with Basic256Sha256" });
    }
  }),
  device: z.strictObject({ keystore: z.string().min(1), ...secretSource.shape }),
  ledger: z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
    /** fallback EIP-712 domain when the ledger has no GET /v1/info */
    chainId: z.number().int().positive().optional(),
    contract: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional(),
    /** JSON-RPC endpoint of the chain for self-audit (reads LedgerAnchor directly; never trusts the ledger) */
    rpcUrl: z.url().optional(),
    /** API key (Authorization: Bearer) for reading proofs, if the ledger requires one */
    apiKey: secretSource.optional(),
  }),
  envelope: z.strictObject({
    maxRecords: z.number().int().min(1).max(10_000).default(500),
    lingerMs: z.number().int().min(0).max(60_000).default(200),
  }).default({ maxRecords: 500, lingerMs: 200 }),
  delivery: z.strictObject({
    initialBackoffMs: z.number().int().min(1).default(200),
    maxBackoffMs: z.number().int().min(1).default(30_000),
    requestTimeoutMs: z.number().int().min(100).default(15_000),
  }).default({ initialBackoffMs: 200, maxBackoffMs: 30_000, requestTimeoutMs: 15_000 }),
  spool: z.strictObject({
    dir: z.string().min(1),
    /** cap on stored record bytes */
    maxBytes: z.number().int().min(4096).default(1024 ** 3),
    /** keep-oldest: refuse new readings while full; keep-newest: first evict delivered-but-unverified records */
    whenFull: z.enum(["keep-oldest", "keep-newest"]).default("keep-oldest"),
    /** FULL: each commit fsyncs (survives power loss); NORMAL (WAL): survives process crashes, not power loss */
    synchronous: z.enum(["FULL", "NORMAL"]).default("FULL"),
  }),
  selfAudit: z.strictObject({
    enabled: z.boolean().default(true),
    intervalMs: z.number().int().min(50).default(5_000),
    /** alarm when a delivered record is not verified as anchored within this time */
    slaMs: z.number().int().min(1).default(600_000),
    batch: z.number().int().min(1).max(10_000).default(1000),
    /** proofs fetched in parallel */
    concurrency: z.number().int().min(1).max(256).default(32),
  }).default({ enabled: true, intervalMs: 5_000, slaMs: 600_000, batch: 1000, concurrency: 32 }),
  control: z.strictObject({
    /** loopback HTTP port for manual events, status and Prometheus metrics; 0 = ephemeral */
    port: z.number().int().min(0).max(65535).default(9464),
    host: z.enum(["127.0.0.1", "::1", "localhost"]).default("127.0.0.1"),
  }).default({ port: 9464, host: "127.0.0.1" }),
});
export type AgentConfig = z.infer<typeof ConfigSchema>;
export type NodeConfig = z.infer<typeof NodeSchema>;
export type WindowConfig = z.infer<typeof WindowSchema>;

/** Each tag's effective series window: its own fields over opcua.window; tags not configured get the default. */
export function windowsOf(config: AgentConfig): (tag: string) => WindowConfig {
  const byTag = new Map(config.opcua.nodes.map((n) => [n.tag, { ...config.opcua.window, ...n.window }] as const));
  return (tag) => byTag.get(tag) ?? config.opcua.window;
}

export type ConfigErrorCode = "config_unreadable" | "config_syntax" | "config_invalid" | "secret_missing";
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly path: string;
  constructor(code: ConfigErrorCode, path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = "ConfigError";
    this.code = code;
    this.path = path;
  }
}

export function parseConfig(raw: unknown, baseDir = "."): AgentConfig {
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = [...(issue?.path ?? [])];
    // name the unknown key itself, not just its parent object
    if (issue?.code === "unrecognized_keys" && issue.keys[0]) path.push(issue.keys[0]);
    throw new ConfigError("config_invalid", path.join("."), issue?.message ?? "invalid");
  }
  const c = parsed.data;
  // relative paths in the file are relative to the file
  c.device.keystore = resolve(baseDir, c.device.keystore);
  if (c.device.passwordFile) c.device.passwordFile = resolve(baseDir, c.device.passwordFile);
  c.spool.dir = resolve(baseDir, c.spool.dir);
  c.opcua.pkiDir = resolve(baseDir, c.opcua.pkiDir ?? resolve(c.spool.dir, "pki"));
  c.opcua.serverTrust.pinnedThumbprints = c.opcua.serverTrust.pinnedThumbprints.map((t) => t.replace(/[:\s]/g, "").toLowerCase());
  if (c.ledger.apiKey?.passwordFile) c.ledger.apiKey.passwordFile = resolve(baseDir, c.ledger.apiKey.passwordFile);
  if (c.opcua.credentials?.passwordFile) c.opcua.credentials.passwordFile = resolve(baseDir, c.opcua.credentials.passwordFile);
  return c;
}

export function loadConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError("config_unreadable", "", `cannot read config ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError("config_syntax", "", `${file} is not valid ${/\.json$/i.test(file) ? "JSON" : "YAML"}: ${(err as Error).message}`);
  }
  return parseConfig(raw, dirname(resolve(file)));
}

/** Reads a secret from its env var or file; `what` is the config path used in the error. */
export function readSecret(source: { passwordEnv?: string | undefined; passwordFile?: string | undefined }, what: string, env = process.env): string {
  if (source.passwordEnv) {
    const value = env[source.passwordEnv];
    if (value !== undefined && value !== "") return value;
    if (!source.passwordFile) throw new ConfigError("secret_missing", `${what}.passwordEnv`, `environment variable ${source.passwordEnv} is not set`);
  }
  if (source.passwordFile) {
    try {
      return readFileSync(source.passwordFile, "utf8").replace(/\r?\n$/, "");
    } catch (err) {
      throw new ConfigError("secret_missing", `${what}.passwordFile`, `cannot read ${source.passwordFile}: ${(err as Error).message}`);
    }
  }
  throw new ConfigError("secret_missing", what, "set passwordEnv or passwordFile");
}
