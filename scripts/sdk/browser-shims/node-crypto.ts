// node:crypto for the browser bundle of core: core/hash.ts and core/merkle-tree.ts use node:crypto's one-shot
// hash("sha256", data, "buffer") for speed on the server. Here it is SHA-256 from @noble/hashes (through ethers'
// sha256), returning a Buffer as Node's does. test/sdk/browser-crypto-shim.test.ts checks identical digests.
import { Buffer } from "buffer";
import { sha256 } from "ethers/crypto";
import { getBytes } from "ethers/utils";

export function hash(algorithm: string, data: Uint8Array, outputEncoding: "buffer" | "hex" = "hex"): Buffer | string {
  if (algorithm.toLowerCase() !== "sha256") throw new Error(`the browser build of core hashes only with sha256, not ${algorithm}`);
  const digest = Buffer.from(getBytes(sha256(data)));
  return outputEncoding === "buffer" ? digest : digest.toString("hex");
}
