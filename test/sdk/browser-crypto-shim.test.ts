// The browser bundle swaps node:crypto's hash() for scripts/sdk/browser-shims/node-crypto.ts (SHA-256 from
// @noble/hashes through ethers): it must give the digests Node gives, as Buffer and as hex, for any input,
// including the 65-byte node-hash scratch core's Merkle code reuses.
import t from "tap";
import fc from "fast-check";
import { hash as nodeHash } from "node:crypto";
import { hash as shimHash } from "../../scripts/sdk/browser-shims/node-crypto.ts";

t.test("identical SHA-256 digests", async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (data) => {
    const ours = shimHash("sha256", data, "buffer") as Buffer;
    return Buffer.isBuffer(ours) && ours.equals(nodeHash("sha256", data, "buffer")) && shimHash("sha256", data, "hex") === nodeHash("sha256", data, "hex");
  }), { numRuns: 500 });
  t.equal((shimHash("sha256", new Uint8Array(0), "hex") as string), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "SHA-256 of the empty string");
  const scratch = Buffer.alloc(65, 7);
  scratch[0] = 0x01;
  t.ok((shimHash("sha256", scratch, "buffer") as Buffer).equals(nodeHash("sha256", scratch, "buffer")), "a node-hash input");
  t.throws(() => shimHash("sha1", new Uint8Array(1)), /only with sha256/, "other algorithms are refused, not silently hashed");
});
