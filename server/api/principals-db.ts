// Rows of the API's administrative tables: principals, keys and grants.
import type pg from "pg";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import { generateKey, hashSecret } from "./keys.ts";
import type { GrantInput, Role } from "./schemas-admin.ts";
import type { DataKind } from "./schemas-common.ts";

type Db = Pick<pg.Pool, "query">;

export type Principal = { id: number; name: string; role: Role; createdAt: string };
export type Grant = {
  id: number; principalId: number; site: string | null; device: string | null; kind: DataKind | null;
  /** An exact stream name or a prefix pattern ending in `*` (schemas-admin.ts StreamPattern). */
  stream: string | null;
  from: string | null; to: string | null; expiresAt: string | null; createdAt: string; revokedAt: string | null;
};
export type KeyRow = { id: string; principalId: number; label: string | null; createdAt: string; revokedAt: string | null };
export type AuthRow = { keyId: string; secretHash: string; revoked: boolean; principal: Principal };

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export async function createPrincipal(db: Db, name: string, role: Role): Promise<Principal | undefined> {
  const res = await db.query<{ id: string; created_at: Date }>(
    "INSERT INTO api_principals (name, role) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id, created_at", [name, role]);
  const r = res.rows[0];
  return r === undefined ? undefined : { id: Number(r.id), name, role, createdAt: r.created_at.toISOString() };
}

export async function listPrincipals(db: Db): Promise<Principal[]> {
  const res = await db.query<{ id: string; name: string; role: Role; created_at: Date }>("SELECT id, name, role, created_at FROM api_principals ORDER BY id");
  return res.rows.map((r) => ({ id: Number(r.id), name: r.name, role: r.role, createdAt: r.created_at.toISOString() }));
}

export async function getPrincipal(db: Db, id: number): Promise<Principal | undefined> {
  const res = await db.query<{ name: string; role: Role; created_at: Date }>("SELECT name, role, created_at FROM api_principals WHERE id = $1", [id]);
  const r = res.rows[0];
  return r === undefined ? undefined : { id, name: r.name, role: r.role, createdAt: r.created_at.toISOString() };
}

/** Creates a key; the returned `key` is the only time the secret exists outside the caller. */
export async function createKey(db: Db, principalId: number, label: string | null, given?: { id: string; secret: string }): Promise<KeyRow & { key: string }> {
  const k = given === undefined ? generateKey() : { ...given, key: `otl_${given.id}_${given.secret}` };
  const res = await db.query<{ created_at: Date }>(
    "INSERT INTO api_keys (id, principal_id, secret_hash, label) VALUES ($1, $2, $3, $4) RETURNING created_at",
    [k.id, principalId, await hashSecret(k.secret), label]);
  return { id: k.id, principalId, label, createdAt: res.rows[0]!.created_at.toISOString(), revokedAt: null, key: k.key };
}

export async function listKeys(db: Db, principalId: number): Promise<KeyRow[]> {
  const res = await db.query<{ id: string; label: string | null; created_at: Date; revoked_at: Date | null }>(
    "SELECT id, label, created_at, revoked_at FROM api_keys WHERE principal_id = $1 ORDER BY created_at", [principalId]);
  return res.rows.map((r) => ({ id: r.id, principalId, label: r.label, createdAt: r.created_at.toISOString(), revokedAt: iso(r.revoked_at) }));
}

/** The key as revoked (revoking again keeps the first revocation time), or undefined if there is none. */
export async function revokeKey(db: Db, id: string): Promise<KeyRow | undefined> {
  const res = await db.query<{ principal_id: string; label: string | null; created_at: Date; revoked_at: Date }>(
    "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING principal_id, label, created_at, revoked_at", [id]);
  const r = res.rows[0];
  return r === undefined ? undefined : { id, principalId: Number(r.principal_id), label: r.label, createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at.toISOString() };
}

export async function authRow(db: Db, keyId: string): Promise<AuthRow | undefined> {
  const res = await db.query<{ secret_hash: string; revoked_at: Date | null; pid: string; name: string; role: Role; created_at: Date }>(
    `SELECT k.secret_hash, k.revoked_at, p.id AS pid, p.name, p.role, p.created_at
     FROM api_keys k JOIN api_principals p ON p.id = k.principal_id WHERE k.id = $1`, [keyId]);
  const r = res.rows[0];
  if (r === undefined) return undefined;
  return { keyId, secretHash: r.secret_hash, revoked: r.revoked_at !== null, principal: { id: Number(r.pid), name: r.name, role: r.role, createdAt: r.created_at.toISOString() } };
}

export async function hasLiveAdmin(db: Db): Promise<boolean> {
  const res = await db.query("SELECT 1 FROM api_keys k JOIN api_principals p ON p.id = k.principal_id WHERE p.role = 'admin' AND k.revoked_at IS NULL LIMIT 1");
  return res.rowCount === 1;
}

type GrantDbRow = { id: string; principal_id: string; site: string | null; device: Buffer | null; kind: Grant["kind"]; stream: string | null; from_ts: Date | null; to_ts: Date | null; expires_at: Date | null; created_at: Date; revoked_at: Date | null };
const toGrant = (r: GrantDbRow): Grant => ({
  id: Number(r.id), principalId: Number(r.principal_id), site: r.site, device: r.device === null ? null : bytesToHex(r.device), kind: r.kind, stream: r.stream,
  from: iso(r.from_ts), to: iso(r.to_ts), expiresAt: iso(r.expires_at), createdAt: r.created_at.toISOString(), revokedAt: iso(r.revoked_at),
});

export async function createGrant(db: Db, principalId: number, g: GrantInput): Promise<Grant> {
  const res = await db.query<GrantDbRow>(
    `INSERT INTO api_grants (principal_id, site, device, kind, stream, from_ts, to_ts, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [principalId, g.site ?? null, g.device === undefined ? null : hexToBytes(g.device), g.kind ?? null, g.stream ?? null, g.from ?? null, g.to ?? null, g.expiresAt ?? null]);
  return toGrant(res.rows[0]!);
}

export async function listGrants(db: Db, principalId: number): Promise<Grant[]> {
  const res = await db.query<GrantDbRow>("SELECT * FROM api_grants WHERE principal_id = $1 ORDER BY id", [principalId]);
  return res.rows.map(toGrant);
}

/** Grants in force now: not revoked, not expired. */
export async function liveGrants(db: Db, principalId: number): Promise<Grant[]> {
  const res = await db.query<GrantDbRow>(
    "SELECT * FROM api_grants WHERE principal_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) ORDER BY id", [principalId]);
  return res.rows.map(toGrant);
}

/** The grant as revoked (revoking again keeps the first revocation time), or undefined if there is none. */
export async function revokeGrant(db: Db, id: number): Promise<Grant | undefined> {
  const res = await db.query<GrantDbRow>("UPDATE api_grants SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *", [id]);
  return res.rows[0] === undefined ? undefined : toGrant(res.rows[0]);
}
