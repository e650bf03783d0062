// Envelope proof vector: the vector envelope as leaves [3, 8) of the 12-leaf log of the bundle vector (checkpoints
// of sizes 2, 6, 12; the first covering leaf 7 is checkpoint 2), plus single-field mutations with their codes.
import { ENVELOPE_PROOF_VERSION, EnvelopeProofSchema, leafHash, MerkleTree, rangeProofFromSubtrees, toHex32, verifyEnvelopeProof, type ChainFacts, type EnvelopeProof } from "../../../core/index.ts";
import { setPath } from "./bundle.ts";
import { envelopeVectors, TEST_CHAIN_ID, TEST_CONTRACT } from "./envelope.ts";

const H = (s: string) => toHex32(leafHash(Buffer.from(s, "utf8")));
const OTHER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const filler = (i: number) => leafHash(Buffer.from(`other device record ${i}`, "utf8"));
export type EnvelopeProofMutation = { target: "proof" | "facts"; path: (string | number)[]; value: unknown; code: string };

export function envelopeProofFixture(): { proof: EnvelopeProof; chainFacts: ChainFacts } {
  const ev = envelopeVectors();
  const log = MerkleTree.fromLeafHashes([filler(0), filler(1), filler(2), ...ev.recordHashes, filler(3), filler(4), filler(5), filler(6)]);
  // same anchor as the bundle vector (checkpoint 2 of size 12)
  const anchor = { chainId: TEST_CHAIN_ID, contract: TEST_CONTRACT, checkpointIndex: 2, treeSize: 12, root: toHex32(log.root(12)), txHash: H("anchor tx of checkpoint 2"), blockNumber: 42 };
  const proof = EnvelopeProofSchema.parse({
    version: ENVELOPE_PROOF_VERSION, header: ev.envelope.header, signature: ev.envelope.signature, recordHashes: ev.recordHashes,
    log: { firstIndex: 3, treeSize: 12, proof: rangeProofFromSubtrees(3, 8, 12, log.lookup).map(toHex32) }, anchor,
  });
  const chainFacts: ChainFacts = {
    chainId: TEST_CHAIN_ID, contract: TEST_CONTRACT, checkpoint: { index: 2, treeSize: 12, root: anchor.root, blockNumber: 42 },
    firstCovering: { index: 2, treeSize: 12 }, device: { address: ev.device, registered: true, revoked: false, revokedAtCheckpoint: 0 },
    anchorTx: { txHash: anchor.txHash, checkpointIndex: 2, blockNumber: 42 },
  };
  return { proof, chainFacts };
}

function mutations(): EnvelopeProofMutation[] {
  const ev = envelopeVectors();
  return [
    { target: "proof", path: ["version"], value: "otledger.envelope-proof/2", code: "envelope_proof_schema" },
    { target: "proof", path: ["recordHashes", 1], value: H("x"), code: "envelope_root_mismatch" },
    { target: "proof", path: ["recordHashes"], value: [...ev.recordHashes].reverse(), code: "envelope_root_mismatch" },
    { target: "proof", path: ["recordHashes"], value: ev.recordHashes.slice(0, 4), code: "envelope_count_mismatch" },
    { target: "proof", path: ["header", "recordsRoot"], value: H("x"), code: "signature_signer_mismatch" },
    { target: "proof", path: ["header", "lastHash"], value: H("x"), code: "envelope_last_hash_mismatch" },
    { target: "proof", path: ["signature"], value: ev.envelope.signature.slice(0, -2) + "1d", code: "signature_invalid" },
    { target: "proof", path: ["log", "firstIndex"], value: 4, code: "log_root_mismatch" },
    { target: "proof", path: ["log", "firstIndex"], value: 9, code: "log_proof_malformed" },
    { target: "proof", path: ["log", "proof", 0], value: H("x"), code: "log_root_mismatch" },
    { target: "proof", path: ["log", "treeSize"], value: 11, code: "log_size_mismatch" },
    { target: "proof", path: ["anchor", "root"], value: H("x"), code: "checkpoint_root_mismatch" },
    { target: "proof", path: ["anchor", "checkpointIndex"], value: 1, code: "checkpoint_index_mismatch" },
    { target: "proof", path: ["anchor", "txHash"], value: H("x"), code: "anchor_tx_mismatch" },
    { target: "proof", path: ["anchor", "chainId"], value: 1, code: "chain_id_mismatch" },
    { target: "facts", path: ["contract"], value: OTHER, code: "contract_mismatch" },
    { target: "facts", path: ["checkpoint"], value: null, code: "checkpoint_missing" },
    { target: "facts", path: ["checkpoint", "root"], value: H("x"), code: "log_root_mismatch" },
    { target: "facts", path: ["anchorTx"], value: null, code: "anchor_tx_missing" },
    { target: "facts", path: ["firstCovering"], value: null, code: "record_not_anchored" },
    { target: "facts", path: ["firstCovering"], value: { index: 1, treeSize: 6 }, code: "first_covering_invalid" },
    { target: "facts", path: ["device", "address"], value: OTHER, code: "device_facts_mismatch" },
    { target: "facts", path: ["device", "registered"], value: false, code: "device_not_registered" },
    { target: "facts", path: ["device", "revoked"], value: true, code: "device_revoked" },
  ];
}

export function envelopeProofVectors() {
  const { proof, chainFacts } = envelopeProofFixture();
  const all = mutations();
  for (const m of all) {
    const p = m.target === "proof" ? setPath(proof, m.path, m.value) : proof;
    const f = m.target === "facts" ? setPath(chainFacts, m.path, m.value) : chainFacts;
    if (!verifyEnvelopeProof(p, f).checks.some((c) => c.code === m.code)) throw new Error(`mutation ${m.path.join(".")} does not yield ${m.code}`);
  }
  return {
    description: "Envelope proof v1 (PROTOCOL §11.1): the envelope vector's records as leaves [3, 8) of the 12-leaf log of bundle.json, anchored by checkpoint 2; facts that pass, single-field mutations with the code each MUST produce, and passing facts.",
    proof, chainFacts, mutations: all,
    passingFacts: [{ path: ["device"], value: { address: proof.header.device, registered: true, revoked: true, revokedAtCheckpoint: 3 }, why: "revoked after checkpoint 2, the first to cover the envelope's last leaf" }],
  };
}
