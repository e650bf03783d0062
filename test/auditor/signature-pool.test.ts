// Signatures recovered on worker threads (used once an export has ≥ 64 envelopes) equal inline recovery,
// including for forged signatures.
import t from "tap";
import { buildEnvelope, envelopeDomain, recordHash } from "../../core/index.ts";
import { SignaturePool } from "../../auditor/audit/signature-pool.ts";
import { deviceWallet, readingRecord } from "./fixture/ledger.ts";

const CONTRACT = "0x" + "5f".repeat(20);
const domain = envelopeDomain(31337, CONTRACT);
const wallet = deviceWallet("pool");
const device = wallet.address.toLowerCase();
const jobs = Array.from({ length: 70 }, (_, i) => {
  const r = readingRecord(device, i + 1, i === 0 ? null : "0x" + "00".repeat(32), i);
  const e = buildEnvelope([r], domain, wallet);
  return { id: `e-${i}`, header: e.header, signature: e.signature };
});
jobs[5] = { ...jobs[5]!, header: { ...jobs[5]!.header, firstSeq: 99 } }; // a replayed header: another signer
jobs[9] = { ...jobs[9]!, signature: "0x" + "ff".repeat(65) }; // not a signature at all

t.test("worker and inline recovery agree", async (t) => {
  const viaWorkers = await (() => { const p = new SignaturePool(31337, CONTRACT, 1); jobs.forEach((j) => p.add(j)); return p.finish(); })();
  const inline = await (() => { const p = new SignaturePool(31337, CONTRACT, 0); jobs.forEach((j) => p.add(j)); return p.finish(); })();
  t.equal(viaWorkers.byEnvelope.size, 70);
  t.same([...viaWorkers.byEnvelope].sort(), [...inline.byEnvelope].sort());
  t.equal(viaWorkers.byEnvelope.get("e-0"), device, "a genuine envelope recovers to its device");
  t.not(viaWorkers.byEnvelope.get("e-5"), device, "a changed header recovers to someone else");
  t.match(viaWorkers.byEnvelope.get("e-9"), /^unrecoverable/);
  t.ok(recordHash(readingRecord(device, 1, null, 0)), "fixture sanity");
});
