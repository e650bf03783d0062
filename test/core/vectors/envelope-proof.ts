// Envelope proof vector v2: the device envelope as leaves [3, 9) of the 15-leaf vector log, anchored by checkpoint 2.
import {
  ENVELOPE_PROOF_VERSION_V2, EnvelopeProofV2Schema, rangeProofFromSubtrees, toHex32, verifyEnvelopeProofV2,
  type ChainFactsV2,
} from "../../../core/index.ts";
import { deviceFacts, DEVICE_OFFSET, H, LOG_SIZE, vectorLog } from "./log.ts";
import { setPath } from "./paths.ts";
import type { BundleMutation } from "./bundle.ts";

export function envelopeProofFixture() {
  const { dev, tree, anchor, hashes } = vectorLog();
  const recordHashes = hashes(dev);
  const proof = EnvelopeProofV2Schema.parse({
    version: ENVELOPE_PROOF_VERSION_V2, header: dev.header, signature: dev.signature, recordHashes,
    log: { firstIndex: DEVICE_OFFSET, treeSize: LOG_SIZE, proof: rangeProofFromSubtrees(DEVICE_OFFSET, DEVICE_OFFSET + recordHashes.length, LOG_SIZE, tree.lookup).map(toHex32) }, anchor,
  });
  return { proof, chainFacts: deviceFacts() };
}

export const PROOF_MUTATIONS: BundleMutation[] = [
  { target: "bundle", path: ["version"], value: "otledger.envelope-proof/1", code: "envelope_proof_schema" },
  { target: "bundle", path: ["recordHashes", 1], value: H("x"), code: "envelope_root_mismatch" },
  { target: "bundle", path: ["header", "lastHash"], value: H("x"), code: "envelope_last_hash_mismatch" },
  { target: "bundle", path: ["header", "recordsRoot"], value: H("x"), code: "signature_signer_mismatch" },
  { target: "bundle", path: ["log", "firstIndex"], value: 7, code: "log_root_mismatch" },
  { target: "bundle", path: ["log", "firstIndex"], value: 4, code: "log_proof_malformed" },
  { target: "bundle", path: ["log", "treeSize"], value: 14, code: "log_size_mismatch" },
  { target: "bundle", path: ["anchor", "root"], value: H("x"), code: "checkpoint_root_mismatch" },
  { target: "bundle", path: ["anchor", "txHash"], value: H("x"), code: "anchor_tx_mismatch" },
  { target: "facts", path: ["checkpoint", "root"], value: H("x"), code: "log_root_mismatch" },
  { target: "facts", path: ["firstCovering"], value: { index: 0, treeSize: 2 }, code: "first_covering_invalid" },
  { target: "facts", path: ["device", "revoked"], value: true, code: "device_revoked" },
];

export function envelopeProofVectors() {
  const { proof, chainFacts } = envelopeProofFixture();
  if (!verifyEnvelopeProofV2(proof, chainFacts).ok) throw new Error("the envelope proof vector does not verify");
  for (const m of PROOF_MUTATIONS) {
    const r = verifyEnvelopeProofV2(m.target === "bundle" ? setPath(proof, m.path, m.value) : proof, m.target === "facts" ? setPath(chainFacts as ChainFactsV2, m.path, m.value) : chainFacts);
    if (!r.checks.some((c) => c.code === m.code)) throw new Error(`envelope proof mutation ${m.path.join(".")} does not yield ${m.code}`);
  }
  return {
    description: "Envelope proof v2 (PROTOCOL §11.1): the device envelope as leaves [3, 9) of the 15-leaf vector log, anchored by checkpoint 2; `target: \"bundle\"` mutations edit the proof.",
    proof, chainFacts, mutations: PROOF_MUTATIONS,
  };
}
