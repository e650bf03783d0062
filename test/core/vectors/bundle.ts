// Bundle vectors v2: a full series record; a stub whose body was erased, with the erasure record's bundle; a
// personal-erased event with its erasure; facts each verifies against, and single-field mutations with their codes.
import { eraseBody, erasePersonal, verifyBundleV2, type BundleV2, type ChainFactsV2 } from "../../../core/index.ts";
import { bundleAt, deviceFacts, DEVICE_OFFSET, H, serviceFacts, SERVICE_OFFSET, vectorLog } from "./log.ts";
import { setPath, type Path } from "./paths.ts";

export type BundleMutation = { target: "bundle" | "facts"; path: Path; value: unknown; code: string };
const OTHER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

export function bundleFixtures() {
  const { dev, svc } = vectorLog();
  const erasureOf = (i: number) => { const { erasure: _, ...b } = bundleAt(svc, SERVICE_OFFSET, i, svc.records[i]!); return b; };
  const withErasure = (f: ChainFactsV2): ChainFactsV2 => ({ ...f, erasure: serviceFacts() });
  return {
    full: { bundle: bundleAt(dev, DEVICE_OFFSET, 0, dev.records[0]!), chainFacts: deviceFacts(), openings: "full" },
    erased: { bundle: bundleAt(dev, DEVICE_OFFSET, 1, eraseBody(dev.records[1]!), erasureOf(1)), chainFacts: withErasure(deviceFacts()), openings: "erased" },
    personalErased: { bundle: bundleAt(dev, DEVICE_OFFSET, 3, erasePersonal(dev.records[3]!), erasureOf(2)), chainFacts: withErasure(deviceFacts()), openings: "personal_erased" },
    access: { bundle: bundleAt(svc, SERVICE_OFFSET, 0, svc.records[0]!), chainFacts: serviceFacts(), openings: "full" },
  };
}

export const FULL_MUTATIONS: BundleMutation[] = [
  { target: "bundle", path: ["version"], value: "otledger.bundle/1", code: "bundle_schema" },
  { target: "bundle", path: ["record", "header", "ts"], value: "2026-11-24T22:56:04.000Z", code: "record_hash_mismatch" },
  { target: "bundle", path: ["recordHash"], value: H("x"), code: "record_hash_mismatch" },
  { target: "bundle", path: ["record", "salt"], value: "0x" + "00".repeat(16), code: "body_commitment_mismatch" },
  { target: "bundle", path: ["record", "body", "values", 1], value: 21.8, code: "body_commitment_mismatch" },
  { target: "bundle", path: ["record", "stream", "salt"], value: "0x" + "00".repeat(16), code: "stream_id_mismatch" },
  { target: "bundle", path: ["record", "body", "nodeId"], value: "ns=0;i=85", code: "bundle_schema" },
  { target: "bundle", path: ["envelope", "header", "device"], value: OTHER, code: "envelope_device_mismatch" },
  { target: "bundle", path: ["envelope", "header", "firstSeq"], value: 2, code: "envelope_seq_mismatch" },
  { target: "bundle", path: ["envelope", "header", "recordsRoot"], value: H("x"), code: "envelope_root_mismatch" },
  { target: "bundle", path: ["envelope", "header", "count"], value: 3, code: "signature_signer_mismatch" },
  { target: "bundle", path: ["envelope", "signature"], value: "SIG_V_29", code: "signature_invalid" },
  { target: "bundle", path: ["envelope", "index"], value: 1, code: "envelope_seq_mismatch" },
  { target: "bundle", path: ["envelope", "proof", 0], value: H("x"), code: "envelope_root_mismatch" },
  { target: "bundle", path: ["log", "index"], value: 4, code: "log_root_mismatch" },
  { target: "bundle", path: ["log", "treeSize"], value: 14, code: "log_size_mismatch" },
  { target: "bundle", path: ["log", "proof", 0], value: H("x"), code: "log_root_mismatch" },
  { target: "bundle", path: ["anchor", "chainId"], value: 1, code: "chain_id_mismatch" },
  { target: "bundle", path: ["anchor", "contract"], value: OTHER, code: "contract_mismatch" },
  { target: "bundle", path: ["anchor", "checkpointIndex"], value: 1, code: "checkpoint_index_mismatch" },
  { target: "bundle", path: ["anchor", "treeSize"], value: 16, code: "checkpoint_size_mismatch" },
  { target: "bundle", path: ["anchor", "root"], value: H("x"), code: "checkpoint_root_mismatch" },
  { target: "bundle", path: ["anchor", "txHash"], value: H("x"), code: "anchor_tx_mismatch" },
  { target: "bundle", path: ["anchor", "blockNumber"], value: 43, code: "checkpoint_block_mismatch" },
  { target: "facts", path: ["chainId"], value: 1, code: "chain_id_mismatch" },
  { target: "facts", path: ["checkpoint"], value: null, code: "checkpoint_missing" },
  { target: "facts", path: ["checkpoint", "root"], value: H("x"), code: "checkpoint_root_mismatch" },
  { target: "facts", path: ["anchorTx"], value: null, code: "anchor_tx_missing" },
  { target: "facts", path: ["firstCovering"], value: null, code: "record_not_anchored" },
  { target: "facts", path: ["firstCovering"], value: { index: 0, treeSize: 2 }, code: "first_covering_invalid" },
  { target: "facts", path: ["device", "address"], value: OTHER, code: "device_facts_mismatch" },
  { target: "facts", path: ["device", "registered"], value: false, code: "device_not_registered" },
  { target: "facts", path: ["device"], value: { registered: true, revoked: true, revokedAtCheckpoint: 1, role: "device" }, code: "device_revoked" },
  { target: "facts", path: ["device", "role"], value: "admin", code: "bundle_schema" },
];

export const ERASED_MUTATIONS: BundleMutation[] = [
  { target: "bundle", path: ["record", "stream", "name"], value: "TT-103.PV", code: "stream_id_mismatch" },
  { target: "bundle", path: ["record", "salt"], value: "0x" + "00".repeat(16), code: "bundle_schema" },
  { target: "bundle", path: ["erasure", "record", "body", "target"], value: H("x"), code: "erasure_target_mismatch" },
  { target: "bundle", path: ["erasure", "record", "body", "targetSeq"], value: 3, code: "erasure_target_mismatch" },
  { target: "bundle", path: ["erasure", "record", "body", "scope"], value: "personal", code: "erasure_scope_mismatch" },
  { target: "bundle", path: ["erasure", "log", "index"], value: 4, code: "erasure_not_later" },
  { target: "bundle", path: ["erasure", "log", "proof", 0], value: H("x"), code: "erasure_invalid" },
  { target: "bundle", path: ["erasure", "anchor", "contract"], value: OTHER, code: "erasure_log_mismatch" },
  { target: "bundle", path: ["erasure", "record"], value: "STUB", code: "erasure_kind_mismatch" },
  { target: "facts", path: ["erasure"], value: undefined, code: "erasure_facts_missing" },
  { target: "facts", path: ["erasure", "device", "role"], value: "device", code: "erasure_signer_not_service" },
  { target: "facts", path: ["erasure", "device", "revoked"], value: true, code: "erasure_invalid" },
  { target: "facts", path: ["erasure", "firstCovering"], value: null, code: "erasure_invalid" },
];

export const ACCESS_MUTATIONS: BundleMutation[] = [
  { target: "facts", path: ["device", "role"], value: "device", code: "device_role_mismatch" },
];

const codes = (b: unknown, f: ChainFactsV2) => verifyBundleV2(b, f).checks.filter((c) => !c.ok).map((c) => c.code as string);

/** Resolves placeholder values that depend on the fixture. */
export function resolve(m: BundleMutation, bundle: BundleV2): BundleMutation {
  if (m.value === "SIG_V_29") return { ...m, value: bundle.envelope.signature.slice(0, 130) + "1d" };
  if (m.value === "STUB") return { ...m, value: { header: bundle.erasure!.record.header } };
  return m;
}

export function bundleVectors() {
  const fx = bundleFixtures();
  for (const [name, { bundle, chainFacts, openings }] of Object.entries(fx)) {
    const r = verifyBundleV2(bundle, chainFacts);
    if (!r.ok || r.openings !== openings) throw new Error(`${name} does not verify as ${openings}: ${codes(bundle, chainFacts)}`);
  }
  const mutate = (fixture: { bundle: BundleV2; chainFacts: ChainFactsV2 }, list: BundleMutation[]) => list.map((raw) => {
    const m = resolve(raw, fixture.bundle);
    const got = codes(m.target === "bundle" ? setPath(fixture.bundle, m.path, m.value) : fixture.bundle, m.target === "facts" ? setPath(fixture.chainFacts, m.path, m.value) : fixture.chainFacts);
    if (!got.includes(m.code)) throw new Error(`mutation ${m.target}.${m.path.join(".")} yields ${got.join(",")}, not ${m.code}`);
    return m;
  });
  return {
    description: "Proof bundles v2 (PROTOCOL §10–§11) with the chain facts each verifies against and the openings it reports; single-field mutations of bundle or facts with the code each MUST produce.",
    ...fx,
    mutations: { full: mutate(fx.full, FULL_MUTATIONS), erased: mutate(fx.erased, ERASED_MUTATIONS), access: mutate(fx.access, ACCESS_MUTATIONS) },
  };
}
