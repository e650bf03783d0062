// The log's checkpoint-note key (docs/PROTOCOL.md §14.3): Ed25519, signed-note signature type 0x01, separate from
// the secp256k1 service key (witnesses and tlog tooling speak Ed25519). Kept like the service key: a 0600 file
// under the data directory, created on first start, or OTLEDGER_LOG_KEY_FILE; the file holds the 32-byte seed in hex.
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SIGNATURE_TYPE_ED25519 = 0x01;

export class NoteKey {
  readonly name: string;
  readonly publicKey: Buffer;
  /** signed-note key ID: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]. */
  readonly keyId: Buffer;
  readonly #private: KeyObject;

  constructor(name: string, seed: Uint8Array) {
    if (seed.length !== 32) throw new RangeError("an Ed25519 seed is 32 bytes");
    if (name === "" || /[\s+]/u.test(name)) throw new RangeError("a note key name is non-empty, without spaces or '+'");
    this.name = name;
    this.#private = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
    this.publicKey = Buffer.from(createPublicKey(this.#private).export({ format: "jwk" }).x!, "base64url");
    this.keyId = createHash("sha256").update(Buffer.concat([Buffer.from(name, "utf8"), Buffer.from([0x0a, SIGNATURE_TYPE_ED25519]), this.publicKey])).digest().subarray(0, 4);
  }

  /** The verifier key: <name>+hex(key ID)+base64(0x01 ‖ public key). */
  get vkey(): string {
    return `${this.name}+${this.keyId.toString("hex")}+${Buffer.concat([Buffer.from([SIGNATURE_TYPE_ED25519]), this.publicKey]).toString("base64")}`;
  }

  /** A signed note: the text (ending in a newline), a blank line, and this key's signature line. */
  signNote(text: string): string {
    if (!text.endsWith("\n")) throw new RangeError("a note text ends in a newline");
    const signature = sign(null, Buffer.from(text, "utf8"), this.#private);
    return `${text}\n\u2014 ${this.name} ${Buffer.concat([this.keyId, signature]).toString("base64")}\n`;
  }
}

/** The seed from `file`, created (0600, never overwritten) with 32 random bytes if it does not exist. */
export async function loadNoteSeed(file: string): Promise<Buffer> {
  if (!existsSync(file)) await writeFile(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  const hex = (await readFile(file, "utf8")).trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file}: expected a 32-byte Ed25519 seed as 64 lowercase hex digits`);
  return Buffer.from(hex, "hex");
}
