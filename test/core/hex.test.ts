// Hex conventions and timestamps: one spelling per value, typed errors for everything else.
import t from "tap";
import {
  CompactRange, EncodingError, fromHex, isCanonicalTimestamp, MerkleProofError, normalizeAddress, toBytes32, toHex, toHex32, toTimestamp,
} from "../../core/index.ts";

t.test("hex helpers", async (t) => {
  const bytes = Buffer.from("00ff".repeat(16), "hex");
  t.equal(toHex32(bytes), "0x" + "00ff".repeat(16));
  t.same(toBytes32("0x" + "00FF".repeat(16)), bytes, "either case is read");
  t.equal(toHex(Uint8Array.from([0xab])), "0xab");
  t.same(fromHex("0x"), Buffer.alloc(0));
  t.equal(normalizeAddress("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  const code = (f: () => unknown) => { try { f(); return "ok"; } catch (e) { return (e as EncodingError).code; } };
  t.equal(code(() => toHex32(Buffer.alloc(31))), "bytes32_length");
  t.equal(code(() => toBytes32("0x1234")), "hex32_invalid");
  t.equal(code(() => fromHex("0xabc")), "hex_invalid");
  t.equal(code(() => normalizeAddress("0x1234")), "address_invalid");
  const err = t.throws(() => toHex32(Buffer.alloc(31))) as EncodingError;
  t.equal(err.expected, 32);
  t.equal(err.computed, 31);
});

t.test("timestamps have one spelling", async (t) => {
  t.equal(toTimestamp(Date.UTC(2026, 10, 24, 22, 56, 2, 123)), "2026-11-24T22:56:02.123Z");
  t.ok(isCanonicalTimestamp("2024-02-29T00:00:00.000Z"));
  for (const s of ["2026-11-24T22:56:02.123+00:00", "2026-11-24T22:56:02Z", "2026-11-24 22:56:02.123Z", "2023-02-29T00:00:00.000Z", "2026-11-24T24:00:00.000Z"]) {
    t.notOk(isCanonicalTimestamp(s), s);
  }
  t.throws(() => toTimestamp(NaN));
});

t.test("an appender cannot resume from a frontier of the wrong shape", async (t) => {
  const err = t.throws(() => CompactRange.fromFrontier(5, [Buffer.alloc(32)])) as MerkleProofError;
  t.equal(err.code, "merkle_proof_size");
  t.same(CompactRange.frontierIds(5), [{ level: 2, index: 0 }, { level: 0, index: 4 }]);
  t.equal(toHex32(CompactRange.empty().root()), "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
});
