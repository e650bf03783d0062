// Bundle vector: one record of the vector envelope inside a 12-leaf global log anchored by checkpoint 2,
// plus single-field mutations with the failure code each must produce.
import { assembleBundle, envelopeInclusionProof, leafHash, MerkleTree, toHex32, verifyBundle, type Bundle, type ChainFacts } from "../../../core/index.ts";
import { envelopeVectors, TEST_CHAIN_ID, TEST_CONTRACT } from "./envelope.ts";

const filler = (i: number) => leafHash(Buffer.from(`other device record ${i}`, "utf8"));
const OTHER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const H = (s: string) => toHex32(leafHash(Buffer.from(s, "utf8")));

export type Mutation = { target: "bundle" | "facts"; path: (string | number)[]; value: unknown; code: string };

export function setPath<T>(obj: T, path: (string | number)[], value: unknown): T {
  const copy = structuredClone(obj) as Record<string | number, unknown>;
  let at = copy;
  path.slice(0, -1).forEach((k) => { at = at[k] as Record<string | number, unknown>; });
  at[path[path.length - 1]!] = value;
  return copy as T;
}

export function bundleFixture(): { bundle: Bundle; chainFacts: ChainFacts } {
  const ev = envelopeVectors();
  const ENV_INDEX = 2, LOG_OFFSET = 3;
  const leaves = [filler(0), filler(1), filler(2), ...ev.recordHashes, filler(3), filler(4), filler(5), filler(6)];
  const log = MerkleTree.fromLeafHashes(leaves);
  const checkpointSizes = [2, 6, 12];
  const anchor = {
    chainId: TEST_CHAIN_ID, contract: TEST_CONTRACT, checkpointIndex: 2, treeSize: 12,
    root: toHex32(log.root(12)), txHash: H("anchor tx of checkpoint 2"), blockNumber: 42,
  };
  const bundle = assembleBundle({
    record: ev.envelope.records[ENV_INDEX]!,
    envelope: { header: ev.envelope.header, signature: ev.envelope.signature, index: ENV_INDEX, proof: envelopeInclusionProof(ev.recordHashes, ENV_INDEX) },
    log: { index: LOG_OFFSET + ENV_INDEX, treeSize: 12, proof: log.inclusionProof(LOG_OFFSET + ENV_INDEX, 12) },
    anchor,
  });
  const chainFacts: ChainFacts = {
    chainId: TEST_CHAIN_ID, contract: TEST_CONTRACT,
    checkpoint: { index: 2, treeSize: 12, root: anchor.root, blockNumber: 42 },
    firstCovering: { index: 1, treeSize: checkpointSizes[1]! },
    device: { address: ev.device, registered: true, revoked: false, revokedAtCheckpoint: 0 },
    anchorTx: { txHash: anchor.txHash, checkpointIndex: 2, blockNumber: 42 },
  };
  return { bundle, chainFacts };
}

export const MUTATIONS: Mutation[] = [
  { target: "bundle", path: ["version"], value: "otledger.bundle/2", code: "bundle_schema" },
  { target: "bundle", path: ["record", "body", "value", "v"], value: "1", code: "record_hash_mismatch" },
  { target: "bundle", path: ["recordHash"], value: H("x"), code: "record_hash_mismatch" },
  { target: "bundle", path: ["record", "device"], value: OTHER, code: "envelope_device_mismatch" },
  { target: "bundle", path: ["record", "seq"], value: 4, code: "envelope_seq_mismatch" },
  { target: "bundle", path: ["envelope", "header", "device"], value: OTHER, code: "signature_signer_mismatch" },
  { target: "bundle", path: ["envelope", "header", "firstSeq"], value: 2, code: "envelope_seq_mismatch" },
  // count is bound by the signature; an inclusion proof alone may not pin it (index 2 has the same path in trees of 5 and 6).
  { target: "bundle", path: ["envelope", "header", "count"], value: 6, code: "signature_signer_mismatch" },
  { target: "bundle", path: ["envelope", "header", "count"], value: 3, code: "envelope_proof_malformed" },
  { target: "bundle", path: ["envelope", "header", "recordsRoot"], value: H("x"), code: "envelope_root_mismatch" },
  { target: "bundle", path: ["envelope", "header", "lastHash"], value: H("x"), code: "signature_signer_mismatch" },
  { target: "bundle", path: ["envelope", "signature"], value: "SIG_V_29", code: "signature_invalid" },
  { target: "bundle", path: ["envelope", "index"], value: 3, code: "envelope_seq_mismatch" },
  { target: "bundle", path: ["envelope", "index"], value: 7, code: "envelope_proof_malformed" },
  { target: "bundle", path: ["envelope", "proof", 0], value: H("x"), code: "envelope_root_mismatch" },
  { target: "bundle", path: ["log", "index"], value: 4, code: "log_root_mismatch" },
  { target: "bundle", path: ["log", "treeSize"], value: 11, code: "log_size_mismatch" },
  { target: "bundle", path: ["log", "proof", 0], value: H("x"), code: "log_root_mismatch" },
  { target: "bundle", path: ["anchor", "chainId"], value: 1, code: "chain_id_mismatch" },
  { target: "bundle", path: ["anchor", "contract"], value: OTHER, code: "contract_mismatch" },
  { target: "bundle", path: ["anchor", "checkpointIndex"], value: 1, code: "checkpoint_index_mismatch" },
  { target: "bundle", path: ["anchor", "treeSize"], value: 13, code: "checkpoint_size_mismatch" },
  { target: "bundle", path: ["anchor", "root"], value: H("x"), code: "checkpoint_root_mismatch" },
  { target: "bundle", path: ["anchor", "txHash"], value: H("x"), code: "anchor_tx_mismatch" },
  { target: "bundle", path: ["anchor", "blockNumber"], value: 43, code: "checkpoint_block_mismatch" },
  { target: "facts", path: ["chainId"], value: 1, code: "chain_id_mismatch" },
  { target: "facts", path: ["contract"], value: OTHER, code: "contract_mismatch" },
  { target: "facts", path: ["checkpoint"], value: null, code: "checkpoint_missing" },
  { target: "facts", path: ["checkpoint", "root"], value: H("x"), code: "checkpoint_root_mismatch" },
  { target: "facts", path: ["anchorTx"], value: null, code: "anchor_tx_missing" },
  { target: "facts", path: ["firstCovering"], value: null, code: "record_not_anchored" },
  { target: "facts", path: ["firstCovering"], value: { index: 0, treeSize: 2 }, code: "first_covering_invalid" },
  { target: "facts", path: ["device", "address"], value: OTHER, code: "device_facts_mismatch" },
  { target: "facts", path: ["device", "registered"], value: false, code: "device_not_registered" },
  { target: "facts", path: ["device"], value: { registered: true, revoked: true, revokedAtCheckpoint: 1 }, code: "device_revoked" },
];

/** Facts that must still pass: revocation after the first covering checkpoint does not invalidate the record. */
export const PASSING_FACTS: { path: (string | number)[]; value: unknown; why: string }[] = [
  { path: ["device"], value: { registered: true, revoked: true, revokedAtCheckpoint: 2 }, why: "revoked at checkpoint 2, record first covered by checkpoint 1" },
  { path: ["anchorTx"], value: undefined, why: "receipt facts omitted: anchor_tx is reported skipped" },
];

export function bundleVectors() {
  const { bundle, chainFacts } = bundleFixture();
  // A v of 29 passes the schema (130 hex digits) but is no valid recovery id.
  for (const m of MUTATIONS) if (m.value === "SIG_V_29") m.value = bundle.envelope.signature.slice(0, 130) + "1d";
  const check = (b: unknown, f: ChainFacts, want: string | null) => {
    const res = verifyBundle(b, f);
    const codes = res.checks.filter((c) => !c.ok).map((c) => c.code);
    if (want === null ? !res.ok : !codes.includes(want as never)) throw new Error(`vector disagrees with verifyBundle: want ${want}, got ${codes.join(",")}`);
  };
  check(bundle, chainFacts, null);
  for (const m of MUTATIONS) check(m.target === "bundle" ? setPath(bundle, m.path, m.value) : bundle, m.target === "facts" ? setPath(chainFacts, m.path, m.value) : chainFacts, m.code);
  for (const p of PASSING_FACTS) check(bundle, setPath(chainFacts, p.path, p.value), null);
  return {
    description: "A valid proof bundle with the chain facts it verifies against; each mutation (one field of the bundle or of the facts) must fail with `code`.",
    bundle, chainFacts, mutations: MUTATIONS, passingFacts: PASSING_FACTS,
  };
}
