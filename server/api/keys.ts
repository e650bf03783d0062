// API keys: "otl_<16 hex id>_<43 char secret>". The id finds the row; only scrypt(secret) is stored, so a leaked
// table yields no usable key. scrypt is deliberately slow, so a process remembers keys it has verified (by a
// SHA-256 of the secret, never the secret itself) and revocation is still checked on every request.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LEN = 32;
export const API_KEY_PATTERN = /^otl_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export type ParsedKey = { id: string; secret: string };

function scrypt(secret: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(secret, salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** A fresh key (shown once) with its id. */
export function generateKey(): { id: string; key: string; secret: string } {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { id, secret, key: `otl_${id}_${secret}` };
}

export function parseKey(key: string): ParsedKey | undefined {
  const m = API_KEY_PATTERN.exec(key);
  return m === null ? undefined : { id: m[1]!, secret: m[2]! };
}

/** "scrypt$N$r$p$salt$hash" (base64url parts). */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, SCRYPT);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split("$");
  if (alg !== "scrypt" || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, "base64url");
  const computed = await scrypt(secret, Buffer.from(salt, "base64url"), { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/** Remembers (key id -> digest of the secret) after a successful scrypt check. */
export class VerifiedKeyCache {
  readonly #map = new Map<string, Buffer>();
  readonly #max: number;
  constructor(max = 10_000) {
    this.#max = max;
  }

  static digest(secret: string): Buffer {
    return createHash("sha256").update(secret).digest();
  }

  has(id: string, secret: string): boolean {
    const known = this.#map.get(id);
    return known !== undefined && timingSafeEqual(known, VerifiedKeyCache.digest(secret));
  }

  add(id: string, secret: string): void {
    if (this.#map.size >= this.#max) this.#map.delete(this.#map.keys().next().value!);
    this.#map.set(id, VerifiedKeyCache.digest(secret));
  }

  forget(id: string): void {
    this.#map.delete(id);
  }
}
