// verifyBundleV2 against docs/vectors/bundle.json: each fixture verifies with its openings, each mutation fails
// with its code; a stub verifies wherever its full record does; erasure states are reported, not failed.
import t from "tap";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { BUNDLE_CHECKS_V2, chainFactsQueryV2, stubOf, verifyBundleV2, type BundleV2, type BundleV2Result, type ChainFactsV2, type FullRecord } from "../../core/index.ts";
import { getPath, setPath, type Path } from "./vectors/paths.ts";

type Fixture = { bundle: BundleV2; chainFacts: ChainFactsV2; openings: string };
type Mutation = { target: "bundle" | "facts"; path: Path; value: unknown; code: string };
const vector = JSON.parse(readFileSync(new URL("../../docs/vectors/bundle.json", import.meta.url), "utf8")) as {
  full: Fixture; erased: Fixture; personalErased: Fixture; access: Fixture; mutations: { full: Mutation[]; erased: Mutation[]; access: Mutation[] };
};
const failed = (r: BundleV2Result) => r.checks.filter((c) => !c.ok).map((c) => c.code as string);
const apply = (fx: Fixture, m: Mutation) => verifyBundleV2(m.target === "bundle" ? setPath(fx.bundle, m.path, m.value) : fx.bundle, m.target === "facts" ? setPath(fx.chainFacts, m.path, m.value) : fx.chainFacts);

t.test("each vector bundle passes every check, in order, with its openings", async (t) => {
  for (const name of ["full", "erased", "personalErased", "access"] as const) {
    const fx = vector[name], r = verifyBundleV2(fx.bundle, fx.chainFacts);
    t.ok(r.ok, name);
    t.equal(r.openings, fx.openings, `${name}: ${fx.openings}`);
    t.same(r.checks.map((c) => c.name), BUNDLE_CHECKS_V2);
  }
  t.same(chainFactsQueryV2(vector.erased.bundle).erasure?.leafIndex, 11, "the query covers the erasure bundle's leaf");
});

t.test("each vector mutation fails with its code", async (t) => {
  const seen = new Set<string>();
  for (const [name, list] of [["full", vector.mutations.full], ["erased", vector.mutations.erased], ["access", vector.mutations.access]] as const) {
    for (const m of list) {
      const r = apply(vector[name], m), codes = failed(r);
      t.ok(!r.ok && codes.includes(m.code), `${name}: ${m.target}.${m.path.join(".")} → ${m.code} (got ${codes.join(", ")})`);
      seen.add(m.code);
    }
  }
  t.ok(seen.size >= 34, `${seen.size} distinct codes exercised`);
});

t.test("erasure states are reported, not failed; missing openings are never called erased without evidence", async (t) => {
  const { erasure: _, ...bare } = vector.erased.bundle;
  const noEvidence = verifyBundleV2(bare, vector.full.chainFacts);
  t.ok(noEvidence.ok, "a stub without erasure record verifies");
  t.equal(noEvidence.openings, "stub", "…and is reported as stub, not erased");
  const { erasure: _e, ...pbare } = vector.personalErased.bundle;
  t.equal(verifyBundleV2(pbare, vector.full.chainFacts).openings, "personal_erased");
  const wrongScope = verifyBundleV2({ ...vector.full.bundle, erasure: vector.erased.bundle.erasure }, vector.erased.chainFacts);
  t.ok(failed(wrongScope).includes("erasure_target_mismatch"), "an erasure of another record is no evidence");
});

t.test("property: a stub verifies wherever its full record does, with the same checks", async (t) => {
  const fx = vector.full;
  const stub = { ...fx.bundle, record: stubOf(fx.bundle.record as FullRecord) };
  const stubR = verifyBundleV2(stub, fx.chainFacts);
  t.ok(stubR.ok);
  t.equal(stubR.openings, "stub");
  const envelopeAndLog = vector.mutations.full.filter((m) => m.target === "facts" || !["record", "version"].includes(m.path[0] as string));
  t.ok(envelopeAndLog.length > 25);
  for (const m of envelopeAndLog) {
    const value = m.value === "SIG_V_29" ? fx.bundle.envelope.signature.slice(0, 130) + "1d" : m.value;
    const a = failed(apply(fx, { ...m, value })), b = failed(apply({ ...fx, bundle: stub }, { ...m, value }));
    t.same(b, a, `${m.target}.${m.path.join(".")}: same failures for the stub`);
  }
});

/** Leaf fields of the bundle with a changed value of the same JSON type. */
const leaves = (v: unknown, p: Path = []): Path[] => (v !== null && typeof v === "object" ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...p, Array.isArray(v) ? Number(k) : k])) : [p]);
const alter = (v: unknown, n: number): unknown => typeof v === "number" ? (v + 1 === v ? v / 2 : v + 1 + (n % 3)) : typeof v === "boolean" ? !v : v === null ? "x"
  : /^0x[0-9a-f]+$/.test(v as string) ? (v as string).slice(0, 2 + (n % ((v as string).length - 2))) + "g".replace("g", (v as string).at(2 + (n % ((v as string).length - 2))) === "0" ? "1" : "0") + (v as string).slice(3 + (n % ((v as string).length - 2)))
  : (v as string) + "a";
const EXPECTED: [string, string[]][] = [
  ["version", ["bundle_schema"]], ["recordHash", ["record_hash_mismatch"]],
  ["record.header.body", ["body_commitment_mismatch", "record_hash_mismatch"]], ["record.header.stream", ["stream_id_mismatch", "record_hash_mismatch"]],
  ["record.header.", ["record_hash_mismatch"]], ["record.stream.", ["stream_id_mismatch"]], ["record.salt", ["body_commitment_mismatch"]],
  ["record.body.", ["body_commitment_mismatch"]], ["record.personal", ["personal_commitment_mismatch"]],
  ["envelope.header.", ["signature_signer_mismatch", "signature_invalid"]], ["envelope.signature", ["signature_signer_mismatch", "signature_invalid"]],
  ["envelope.index", ["envelope_seq_mismatch"]], ["envelope.proof.", ["envelope_root_mismatch"]],
  ["log.index", ["log_root_mismatch", "log_proof_malformed"]], ["log.treeSize", ["log_size_mismatch"]], ["log.proof.", ["log_root_mismatch"]],
  ["anchor.chainId", ["chain_id_mismatch"]], ["anchor.contract", ["contract_mismatch"]], ["anchor.checkpointIndex", ["checkpoint_index_mismatch"]],
  ["anchor.treeSize", ["checkpoint_size_mismatch"]], ["anchor.root", ["checkpoint_root_mismatch"]], ["anchor.txHash", ["anchor_tx_mismatch"]],
  ["anchor.blockNumber", ["checkpoint_block_mismatch"]], ["erasure.", ["erasure_invalid", "erasure_target_mismatch", "erasure_scope_mismatch", "erasure_not_later", "erasure_log_mismatch"]],
];

t.test("property: changing any single field of a valid bundle (full or erased) fails with that field's code", async (t) => {
  for (const fx of [vector.full, vector.erased, vector.personalErased]) {
    const paths = leaves(fx.bundle);
    for (const p of paths) t.ok(EXPECTED.some(([prefix]) => p.join(".").startsWith(prefix)), `${p.join(".")} has an expected code`);
    t.doesNotThrow(() => fc.assert(fc.property(fc.constantFrom(...paths), fc.nat(10_000), (path, n) => {
      const r = verifyBundleV2(setPath(fx.bundle, path, alter(getPath(fx.bundle, path), n)), fx.chainFacts);
      const codes = failed(r), wanted = EXPECTED.find(([prefix]) => path.join(".").startsWith(prefix))![1];
      return !r.ok && (codes.includes("bundle_schema") || wanted.some((c) => codes.includes(c)));
    }), { numRuns: 300 }));
  }
});
