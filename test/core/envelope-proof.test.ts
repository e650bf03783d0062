// verifyEnvelopeProof: the vector envelope as leaves [3, 8) of the 12-leaf log of the bundle vector; a valid proof
// passes every check, and each single-field change fails with its own code.
import t from "tap";
import {
  ENVELOPE_PROOF_CHECKS, ENVELOPE_PROOF_VERSION, EnvelopeProofSchema, leafHash, MerkleTree, rangeProofFromSubtrees, toHex32,
  verifyEnvelopeProof, type ChainFacts, type EnvelopeProof,
} from "../../core/index.ts";
import { setPath } from "./vectors/bundle.ts";
import { envelopeVectors, TEST_CHAIN_ID, TEST_CONTRACT } from "./vectors/envelope.ts";

const H = (s: string) => toHex32(leafHash(Buffer.from(s, "utf8")));
const OTHER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const ev = envelopeVectors();
const filler = (i: number) => leafHash(Buffer.from(`other device record ${i}`, "utf8"));
const log = MerkleTree.fromLeafHashes([filler(0), filler(1), filler(2), ...ev.recordHashes, filler(3), filler(4), filler(5), filler(6)]);
const anchor = { chainId: TEST_CHAIN_ID, contract: TEST_CONTRACT, checkpointIndex: 2, treeSize: 12, root: toHex32(log.root(12)), txHash: H("anchor tx"), blockNumber: 42 };
const proof: EnvelopeProof = EnvelopeProofSchema.parse({
  version: ENVELOPE_PROOF_VERSION, header: ev.envelope.header, signature: ev.envelope.signature, recordHashes: ev.recordHashes,
  log: { firstIndex: 3, treeSize: 12, proof: rangeProofFromSubtrees(3, 8, 12, log.lookup).map(toHex32) }, anchor,
});
// checkpoints of sizes 2, 6, 12: the first covering leaf 7 (the envelope's last) is checkpoint 2
const facts: ChainFacts = {
  chainId: TEST_CHAIN_ID, contract: TEST_CONTRACT, checkpoint: { index: 2, treeSize: 12, root: anchor.root, blockNumber: 42 },
  firstCovering: { index: 2, treeSize: 12 }, device: { address: ev.device, registered: true, revoked: false, revokedAtCheckpoint: 0 },
  anchorTx: { txHash: anchor.txHash, checkpointIndex: 2, blockNumber: 42 },
};
const failed = (p: unknown, f: ChainFacts) => verifyEnvelopeProof(p, f).checks.filter((c) => !c.ok).map((c) => c.code);

t.test("a valid envelope proof passes every check, listed in order", async (t) => {
  const r = verifyEnvelopeProof(proof, facts);
  t.ok(r.ok);
  t.same(r.checks.map((c) => c.name), ENVELOPE_PROOF_CHECKS);
  t.ok(r.checks.every((c) => c.ok && !c.skipped));
});

const MUTATIONS: [target: "proof" | "facts", path: (string | number)[], value: unknown, code: string][] = [
  ["proof", ["version"], "otledger.envelope-proof/2", "envelope_proof_schema"],
  ["proof", ["recordHashes", 1], H("x"), "envelope_root_mismatch"],
  ["proof", ["recordHashes"], [...ev.recordHashes].reverse(), "envelope_root_mismatch"],
  ["proof", ["recordHashes"], ev.recordHashes.slice(0, 4), "envelope_count_mismatch"],
  ["proof", ["header", "recordsRoot"], H("x"), "signature_signer_mismatch"],
  ["proof", ["header", "lastHash"], H("x"), "envelope_last_hash_mismatch"],
  ["proof", ["signature"], ev.envelope.signature.slice(0, -2) + "1d", "signature_invalid"],
  ["proof", ["log", "firstIndex"], 4, "log_root_mismatch"],
  ["proof", ["log", "firstIndex"], 9, "log_proof_malformed"],
  ["proof", ["log", "proof", 0], H("x"), "log_root_mismatch"],
  ["proof", ["log", "treeSize"], 11, "log_size_mismatch"],
  ["proof", ["anchor", "root"], H("x"), "checkpoint_root_mismatch"],
  ["proof", ["anchor", "checkpointIndex"], 1, "checkpoint_index_mismatch"],
  ["proof", ["anchor", "txHash"], H("x"), "anchor_tx_mismatch"],
  ["proof", ["anchor", "chainId"], 1, "chain_id_mismatch"],
  ["facts", ["contract"], OTHER, "contract_mismatch"],
  ["facts", ["checkpoint"], null, "checkpoint_missing"],
  ["facts", ["checkpoint", "root"], H("x"), "log_root_mismatch"],
  ["facts", ["anchorTx"], null, "anchor_tx_missing"],
  ["facts", ["firstCovering"], null, "record_not_anchored"],
  ["facts", ["firstCovering"], { index: 1, treeSize: 6 }, "first_covering_invalid"],
  ["facts", ["device", "address"], OTHER, "device_facts_mismatch"],
  ["facts", ["device", "registered"], false, "device_not_registered"],
  ["facts", ["device"], { address: ev.device, registered: true, revoked: true, revokedAtCheckpoint: 2 }, "device_revoked"],
];

t.test("each single-field change fails with its own code", async (t) => {
  for (const [target, path, value, code] of MUTATIONS) {
    const codes = failed(target === "proof" ? setPath(proof, path, value) : proof, target === "facts" ? setPath(facts, path, value) : facts);
    t.ok(codes.includes(code as never), `${target}.${path.join(".")} → ${code} (got ${codes.join(", ")})`);
  }
  const later = verifyEnvelopeProof(proof, { ...facts, device: { address: ev.device, registered: true, revoked: true, revokedAtCheckpoint: 3 } });
  t.ok(later.ok, "revoked after the first covering checkpoint: still valid");
});
