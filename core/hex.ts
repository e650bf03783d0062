// Hex conventions shared by every component: lowercase, 0x-prefixed, fixed width.
import { z } from "zod";
import { EncodingError } from "./errors.ts";

export const Hex32Schema = z.string().regex(/^0x[0-9a-f]{64}$/, "expected 0x + 64 lowercase hex digits");
export const AddressSchema = z.string().regex(/^0x[0-9a-f]{40}$/, "expected a lowercase 0x + 40 hex digit address");
export const SignatureSchema = z.string().regex(/^0x[0-9a-f]{130}$/, "expected 0x + 130 lowercase hex digits (r ‖ s ‖ v)");

export type Hex32 = z.infer<typeof Hex32Schema>;
export type Address = z.infer<typeof AddressSchema>;
export type SignatureHex = z.infer<typeof SignatureSchema>;
/** A 32-byte hash given either as bytes or as Hex32. */
export type Bytes32Like = Uint8Array | string;

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/** Lowercase 0x-hex of any bytes. */
export function toHex(bytes: Uint8Array): string {
  return "0x" + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Hex32 of exactly 32 bytes. */
export function toHex32(bytes: Uint8Array): Hex32 {
  if (bytes.length !== 32) throw new EncodingError("bytes32_length", `expected 32 bytes, got ${bytes.length}`, { expected: 32, computed: bytes.length });
  return toHex(bytes);
}

/** 32 bytes from a Hex32 (either case accepted) or from bytes (returned as a Buffer view, not copied). */
export function toBytes32(value: Bytes32Like): Buffer {
  if (typeof value === "string") {
    if (!HEX32.test(value)) throw new EncodingError("hex32_invalid", `not a 0x-prefixed 32-byte hex string: ${value.slice(0, 80)}`, { computed: value.slice(0, 80) });
    return Buffer.from(value.slice(2), "hex");
  }
  if (value.length !== 32) throw new EncodingError("bytes32_length", `expected 32 bytes, got ${value.length}`, { expected: 32, computed: value.length });
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, 32);
}

/** Bytes from any even-length 0x-hex string. */
export function fromHex(hex: string): Buffer {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) throw new EncodingError("hex_invalid", `not 0x-prefixed even-length hex: ${hex.slice(0, 80)}`, { computed: hex.slice(0, 80) });
  return Buffer.from(hex.slice(2), "hex");
}

/** Normalises a checksummed or lowercase address to the lowercase form; throws on anything else. */
export function normalizeAddress(address: string): Address {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new EncodingError("address_invalid", `not a 20-byte 0x address: ${address.slice(0, 80)}`, { computed: address.slice(0, 80) });
  return address.toLowerCase();
}
