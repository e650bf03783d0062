// Hex (protocol) <-> bytea (storage) conversions.
export const hexToBytes = (hex: string): Buffer => Buffer.from(hex.slice(2), "hex");
export const bytesToHex = (bytes: Uint8Array): string => "0x" + Buffer.from(bytes).toString("hex");
export const bytesToHexOrNull = (bytes: Uint8Array | null): string | null => (bytes === null ? null : bytesToHex(bytes));
