// Service configuration: one zod schema over the environment. Startup fails with a message naming the bad variable.
import { z } from "zod";

const int = (min: number, def: number) => z.coerce.number().int().min(min).default(def);
const optionalString = z.string().min(1).optional();
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x + 40 hex digit address").transform((a) => a.toLowerCase());
const url = (protocols: RegExp) => z.string().refine((s) => {
  try { return protocols.test(new URL(s).protocol); } catch { return false; }
}, "expected a URL");

export const ConfigSchema = z.object({
  /** Owner connection (runs migrations). Without it an embedded PostgreSQL starts under DATA_DIR. */
  DATABASE_URL: url(/^postgres(ql)?:$/).optional(),
  /** Connection as a member of the otledger_app role; without it the owner connection drops privileges with SET ROLE. */
  DATABASE_APP_URL: url(/^postgres(ql)?:$/).optional(),
  PG_POOL_MAX: int(1, 10),
  /** EVM JSON-RPC endpoint. Without it a local anvil starts under DATA_DIR and LedgerAnchor is deployed once. */
  CHAIN_RPC_URL: url(/^(https?|wss?):$/).optional(),
  LEDGER_CONTRACT: address.optional(),
  /** Chain id of CHAIN_RPC_URL; if given, the service starts (and ingests) even while the node is unreachable. */
  CHAIN_ID: z.coerce.number().int().min(1).optional(),
  /** Block from which registry events are read (the contract's deployment block). */
  LEDGER_DEPLOY_BLOCK: int(0, 0),
  /** File holding the anchorer's 0x private key (never logged). */
  ANCHORER_KEY_FILE: optionalString,
  /** Encrypted JSON keystore of the anchorer, unlocked with ANCHORER_KEYSTORE_PASSWORD or ..._PASSWORD_FILE. */
  ANCHORER_KEYSTORE: optionalString,
  ANCHORER_KEYSTORE_PASSWORD: optionalString,
  ANCHORER_KEYSTORE_PASSWORD_FILE: optionalString,
  DATA_DIR: z.string().min(1).default("./.otledger"),
  PORT: int(0, 8080).refine((p) => p <= 65535, "expected a port number"),
  HOST: z.string().min(1).default("127.0.0.1"),
  CHECKPOINT_INTERVAL_MS: int(10, 5000),
  CHECKPOINT_MAX_LEAVES: int(1, 10000),
  CONFIRMATIONS: int(1, 1),
  CHAIN_POLL_INTERVAL_MS: int(10, 1000),
  ANCHOR_TX_TIMEOUT_MS: int(100, 60000),
  /** Ingest waits at most this long for a fresh chain head (revocations) before using the registry state last read. */
  REGISTRY_HEAD_WAIT_MS: int(10, 2000),
  /** Largest accepted request body; bigger ones get 413. */
  BODY_LIMIT_BYTES: int(1024, 8 * 1024 * 1024),
  MAX_RECORDS_PER_ENVELOPE: int(1, 2000),
  /** Worker threads verifying envelopes (hashing, signature recovery); 0 verifies on the event loop. */
  VERIFY_WORKERS: int(0, 1),
  /** Group commit: at most this many envelopes per transaction, and this many transactions in flight per replica. */
  INGEST_MAX_BATCH: int(1, 16),
  INGEST_MAX_IN_FLIGHT: int(1, 2),
  REQUEST_TIMEOUT_MS: int(100, 30000),
  /** Requests per minute per client address not attributed to a verified API principal: public routes, missing or failed API keys. */
  API_RATE_LIMIT_PER_ADDRESS: int(1, 1200),
  /** Envelope submissions per minute per client address, counted before the signature check (agents behind one NAT share it). */
  INGEST_RATE_LIMIT_PER_ADDRESS: int(1, 60000),
  /** Envelope submissions per minute per device, counted once its signature is verified: above what one agent sending an envelope at a time reaches. */
  INGEST_RATE_LIMIT_PER_DEVICE: int(1, 30000),
  /** Anchoring lag beyond which /readyz reports degraded anchoring. */
  READY_MAX_ANCHOR_LAG_MS: int(1000, 60000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** auto: readable lines on a terminal, NDJSON when stdout is piped. */
  LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
  /** Port of the local anvil (without CHAIN_RPC_URL); 8545 when free, else any free port. */
  LOCAL_CHAIN_PORT: int(0, 8545).refine((p) => p <= 65535, "expected a port number"),
}).superRefine((c, ctx) => {
  if (c.CHAIN_RPC_URL === undefined) return;
  if (c.LEDGER_CONTRACT === undefined) {
    ctx.addIssue({ code: "custom", path: ["LEDGER_CONTRACT"], message: "required when CHAIN_RPC_URL is set" });
  }
  if (c.ANCHORER_KEY_FILE === undefined && c.ANCHORER_KEYSTORE === undefined) {
    ctx.addIssue({ code: "custom", path: ["ANCHORER_KEY_FILE"], message: "ANCHORER_KEY_FILE or ANCHORER_KEYSTORE is required when CHAIN_RPC_URL is set" });
  }
  if (c.ANCHORER_KEYSTORE !== undefined && c.ANCHORER_KEYSTORE_PASSWORD === undefined && c.ANCHORER_KEYSTORE_PASSWORD_FILE === undefined) {
    ctx.addIssue({ code: "custom", path: ["ANCHORER_KEYSTORE_PASSWORD"], message: "ANCHORER_KEYSTORE needs ANCHORER_KEYSTORE_PASSWORD or ANCHORER_KEYSTORE_PASSWORD_FILE" });
  }
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  readonly code = "config_invalid" as const;
  readonly variables: string[];
  constructor(issues: { path: PropertyKey[]; message: string }[]) {
    const lines = issues.map((i) => `  ${String(i.path[0] ?? "(config)")}: ${i.message}`);
    super(`invalid configuration:\n${lines.join("\n")}`);
    this.name = "ConfigError";
    this.variables = issues.map((i) => String(i.path[0] ?? ""));
  }
}

/** Reads the configuration from an environment (empty strings count as unset). Throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined>, overrides: Partial<Config> = {}): Config {
  const keys = Object.keys(ConfigSchema.shape) as (keyof Config)[];
  const input: Record<string, unknown> = {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined && value !== "") input[key] = value;
  }
  const parsed = ConfigSchema.safeParse({ ...input, ...overrides });
  if (!parsed.success) throw new ConfigError(parsed.error.issues);
  return parsed.data;
}
