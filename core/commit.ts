// Commitments and the record hash (PROTOCOL §3.2, §5, §6). Each commitment is SHA-256 over a domain string,
// 0x00, then its fields; the domain strings keep a stream id, a body and a personal commitment from ever being
// taken for one another or for an RFC 9162 leaf (0x00 ‖ JCS text, which never starts with "otledger/").
// Salts are parameters: the caller brings the randomness, core stays pure.
import { canonicalBytes, canonicalString } from "./canonical.ts";
import { leafHash, sha256 } from "./hash.ts";
import { fromHex, toHex32, type Hex32 } from "./hex.ts";
import type { Header } from "./header.ts";

export const STREAM_DOMAIN = "otledger/stream/2", BODY_DOMAIN = "otledger/body/2", PERSONAL_DOMAIN = "otledger/personal/2";

const SALT_BYTES = 16;
function saltBytes(salt: string): Buffer {
  const b = fromHex(salt);
  if (b.length !== SALT_BYTES) throw new RangeError(`a salt is ${SALT_BYTES} bytes, got ${b.length}`);
  return b;
}
function tagged(domain: string, ...parts: Uint8Array[]): Hex32 {
  return toHex32(sha256(Buffer.concat([Buffer.from(domain, "utf8"), Buffer.from([0x00]), ...parts])));
}

/** SHA-256("otledger/stream/2" ‖ 0x00 ‖ device (20 bytes) ‖ salt (16 bytes) ‖ UTF-8(name)). */
export function streamId(device: string, salt: string, name: string): Hex32 {
  const address = fromHex(device);
  if (address.length !== 20) throw new RangeError(`a device address is 20 bytes, got ${address.length}`);
  return tagged(STREAM_DOMAIN, address, saltBytes(salt), Buffer.from(name, "utf8"));
}

/** SHA-256("otledger/body/2" ‖ 0x00 ‖ salt (16 bytes) ‖ JCS(body)). The body must already be schema-valid. */
export function bodyCommitment(salt: string, body: unknown): Hex32 {
  return tagged(BODY_DOMAIN, saltBytes(salt), canonicalBytes(body));
}

/** SHA-256("otledger/personal/2" ‖ 0x00 ‖ salt (16 bytes) ‖ JCS(personal)). */
export function personalCommitment(salt: string, personal: unknown): Hex32 {
  return tagged(PERSONAL_DOMAIN, saltBytes(salt), canonicalBytes(personal));
}

/** RFC 8785 text of a header: exactly the bytes the record hash covers. */
export function headerCanonical(header: Header): string {
  return canonicalString(header);
}

/** recordHash = RFC 9162 leafHash(JCS(header)): prev, streamPrev, envelope leaf and log leaf. */
export function recordHash(header: Header): Hex32 {
  return toHex32(leafHash(canonicalBytes(header)));
}
