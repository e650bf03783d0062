// Startup of the API: the bootstrap admin key, the access log's signing key (registered on-chain like a
// device), and options read from the environment.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type pg from "pg";
import { id as keccakText, Wallet } from "ethers";
import { z } from "zod";
import type { ChainConnection } from "../chain/connection.ts";
import { loadNoteSeed } from "../log/note-key.ts";
import { parseKey } from "./keys.ts";
import { createKey, createPrincipal, hasLiveAdmin, listPrincipals } from "./principals-db.ts";
import type { Registrar } from "./registrar.ts";

export const ACCESS_LOG_METADATA = keccakText("otledger access log");

const EnvSchema = z.object({
  OTLEDGER_ADMIN_KEY: z.string().regex(/^otl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/, "expected otl_<16 hex>_<43 base64url chars>").optional(),
  OTLEDGER_REGISTRAR_KEY_FILE: z.string().min(1).optional(),
  OTLEDGER_SERVICE_KEY_FILE: z.string().min(1).optional(),
  OTLEDGER_LOG_KEY_FILE: z.string().min(1).optional(),
  OTLEDGER_API_RATE_LIMIT: z.coerce.number().int().min(1).default(1200),
});

export type ApiEnvOptions = { adminKey?: string; registrarKey?: Wallet; serviceKey: Wallet; logKey: Uint8Array; rateLimitPerMinute: number };

/** Options from the environment; the service key file is created (0600) under dataDir on first start. */
export async function apiOptionsFromEnv(env: Record<string, string | undefined>, dataDir: string): Promise<ApiEnvOptions> {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("OTLEDGER_") && v !== "")));
  if (!parsed.success) throw new Error(`invalid API configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join("; ")}`);
  const e = parsed.data;
  const registrarKey = e.OTLEDGER_REGISTRAR_KEY_FILE === undefined ? undefined : new Wallet((await readFile(e.OTLEDGER_REGISTRAR_KEY_FILE, "utf8")).trim());
  const serviceFile = e.OTLEDGER_SERVICE_KEY_FILE ?? join(dataDir, "access-log.key");
  if (!existsSync(serviceFile)) await writeFile(serviceFile, Wallet.createRandom().privateKey + "\n", { mode: 0o600, flag: "wx" });
  const serviceKey = new Wallet((await readFile(serviceFile, "utf8")).trim());
  // The checkpoint-note key (Ed25519) is kept the same way, in its own file (PROTOCOL §14.3).
  const logKey = await loadNoteSeed(e.OTLEDGER_LOG_KEY_FILE ?? join(dataDir, "log-note.key"));
  return { adminKey: e.OTLEDGER_ADMIN_KEY, registrarKey, serviceKey, logKey, rateLimitPerMinute: e.OTLEDGER_API_RATE_LIMIT };
}

/**
 * Without a live admin key, creates principal "admin" with the given key, or a new one printed once.
 * A given key that is not stored yet is added (so an operator can always get in with OTLEDGER_ADMIN_KEY).
 */
export async function ensureAdmin(db: pg.Pool, adminKey: string | undefined, print: (line: string) => void): Promise<void> {
  const given = adminKey === undefined ? undefined : parseKey(adminKey);
  if (given !== undefined) {
    const known = await db.query("SELECT 1 FROM api_keys WHERE id = $1", [given.id]);
    if (known.rowCount === 1) return;
  } else if (await hasLiveAdmin(db)) {
    return;
  }
  const admin = (await listPrincipals(db)).find((p) => p.name === "admin" && p.role === "admin") ?? (await createPrincipal(db, "admin", "admin"));
  if (admin === undefined) throw new Error("a non-admin principal is named \"admin\"; set OTLEDGER_ADMIN_KEY to bootstrap");
  const key = await createKey(db, admin.id, "bootstrap", given);
  if (given === undefined) print(`admin API key   ${key.key}  (shown once: store it now)`);
}

/** LedgerAnchor v2's KeyRole.Service: the role access records must be signed with (PROTOCOL §9). */
const SERVICE_ROLE = 1n;

/**
 * Registers the access log's key on LedgerAnchor with the service role (registerServiceKey) if needed; refuses a
 * revoked key and one registered as a device key (ingest would refuse its access records: device_role_mismatch).
 */
export async function ensureServiceDevice(chain: ChainConnection, registrar: Registrar, address: string): Promise<void> {
  const s = await chain.ledger.getFunction("deviceStatus")(address);
  if (s.revoked) throw new Error(`the access log key ${address} is revoked on LedgerAnchor; configure a new OTLEDGER_SERVICE_KEY_FILE`);
  if (s.registered && BigInt(s.keyRole) !== SERVICE_ROLE) {
    throw new Error(`the access log key ${address} is registered on LedgerAnchor as a device key, not a service key; configure a new OTLEDGER_SERVICE_KEY_FILE`);
  }
  if (!s.registered) {
    if (!registrar.available) throw new Error(`the access log key ${address} is not registered on LedgerAnchor and no registrar key is configured (OTLEDGER_REGISTRAR_KEY_FILE)`);
    await registrar.registerServiceKey(address, ACCESS_LOG_METADATA);
  }
}
