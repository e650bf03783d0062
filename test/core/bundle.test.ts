// verifyBundle against the bundle vector: a valid bundle passes every check; each single-field mutation fails with its code.
import t from "tap";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { CHECK_NAMES, verifyBundle, type Bundle, type ChainFacts, type VerifyResult } from "../../core/index.ts";

type Mutation = { target: "bundle" | "facts"; path: (string | number)[]; value: unknown; code: string };
const vector = JSON.parse(readFileSync(new URL("../../docs/vectors/bundle.json", import.meta.url), "utf8")) as {
  bundle: Bundle; chainFacts: ChainFacts; mutations: Mutation[]; passingFacts: { path: (string | number)[]; value: unknown; why: string }[];
};

function setPath<T>(obj: T, path: (string | number)[], value: unknown): T {
  const copy = structuredClone(obj) as { [k: string | number]: unknown };
  let at = copy;
  path.slice(0, -1).forEach((k) => { at = at[k] as typeof copy; });
  if (value === undefined) delete at[path[path.length - 1]!]; else at[path[path.length - 1]!] = value;
  return copy as T;
}
const failedCodes = (r: VerifyResult) => r.checks.filter((c) => !c.ok).map((c) => c.code);

t.test("the vector bundle passes every check, listed in order", async (t) => {
  const r = verifyBundle(vector.bundle, vector.chainFacts);
  t.ok(r.ok);
  t.same(r.checks.map((c) => c.name), CHECK_NAMES);
  t.ok(r.checks.every((c) => c.ok && !c.skipped));
});

t.test("each vector mutation fails with its own code, keeping evidence", async (t) => {
  const seen = new Set<string>();
  for (const m of vector.mutations) {
    const b = m.target === "bundle" ? setPath(vector.bundle, m.path, m.value) : vector.bundle;
    const f = m.target === "facts" ? setPath(vector.chainFacts, m.path, m.value) : vector.chainFacts;
    const r = verifyBundle(b, f);
    const codes = failedCodes(r);
    t.notOk(r.ok, `${m.target}.${m.path.join(".")}`);
    t.ok(codes.includes(m.code as never), `${m.target}.${m.path.join(".")} → ${m.code} (got ${codes.join(", ")})`);
    const check = r.checks.find((c) => c.code === m.code)!;
    t.ok(check.message, "a message explains the failure");
    seen.add(m.code);
  }
  t.ok(seen.size >= 24, `the vectors exercise ${seen.size} distinct codes`);
});

t.test("revocation is judged by the first covering checkpoint, never by the record's ts", async (t) => {
  for (const p of vector.passingFacts) t.ok(verifyBundle(vector.bundle, setPath(vector.chainFacts, p.path, p.value)).ok, p.why);
  const revokedAt = (cp: number, firstCovering: number) => verifyBundle(vector.bundle, {
    ...vector.chainFacts, firstCovering: { index: firstCovering, treeSize: 6 }, device: { registered: true, revoked: true, revokedAtCheckpoint: cp },
  });
  t.ok(revokedAt(2, 1).ok, "revoked after the covering checkpoint: still valid");
  t.same(failedCodes(revokedAt(1, 1)), ["device_revoked"], "revoked when the covering checkpoint was anchored: invalid");
  t.same(failedCodes(revokedAt(0, 1)), ["device_revoked"]);
  const backdated = setPath(vector.bundle, ["record", "ts"], "2000-01-01T00:00:00.000Z");
  t.notOk(failedCodes(verifyBundle(backdated, vector.chainFacts)).includes("device_revoked" as never), "an old ts does not matter to revocation");
  t.same(failedCodes(verifyBundle(vector.bundle, { ...vector.chainFacts, chainId: 31337n, checkpoint: { ...vector.chainFacts.checkpoint!, treeSize: 12n } })), [], "bigint facts as read by ethers are accepted");
  t.same(failedCodes(verifyBundle(vector.bundle, { ...vector.chainFacts, contract: vector.chainFacts.contract.toUpperCase().replace("0X", "0x") })), [], "checksummed-case contract facts are accepted");
});

t.test("a bundle that does not parse yields only the schema check", async (t) => {
  const r = verifyBundle({ ...vector.bundle, log: { ...vector.bundle.log, proof: ["0x12"] } }, vector.chainFacts);
  t.same(r.checks.map((c) => [c.name, c.code]), [["schema", "bundle_schema"]]);
  t.match(r.checks[0]!.message, /bundle\.log\.proof\.0/);
});

/** Every leaf field of the bundle, with a different value of the same JSON type. */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, Array.isArray(value) ? Number(k) : k]));
  }
  return [path];
}
function altered(v: unknown, salt: number): unknown {
  if (typeof v === "number") return v + 1 + (salt % 3);
  if (typeof v === "boolean") return !v;
  if (v === null) return "x";
  const s = v as string;
  if (/^0x[0-9a-f]+$/.test(s)) {
    const at = 2 + (salt % (s.length - 2));
    const digit = ((parseInt(s[at]!, 16) + 1 + (salt % 15)) % 16).toString(16);
    return s.slice(0, at) + digit + s.slice(at + 1);
  }
  return s + String.fromCharCode(97 + (salt % 26));
}

/** The code a change of each field must produce (a change that breaks the schema yields bundle_schema instead). */
const EXPECTED: [prefix: string, codes: string[]][] = [
  ["version", ["bundle_schema"]],
  ["record.", ["record_hash_mismatch"]],
  ["recordHash", ["record_hash_mismatch"]],
  ["envelope.header.", ["signature_signer_mismatch", "signature_invalid"]],
  ["envelope.signature", ["signature_signer_mismatch", "signature_invalid"]],
  ["envelope.index", ["envelope_seq_mismatch"]],
  ["envelope.proof.", ["envelope_root_mismatch"]],
  ["log.index", ["log_root_mismatch", "log_proof_malformed"]],
  ["log.treeSize", ["log_size_mismatch"]],
  ["log.proof.", ["log_root_mismatch"]],
  ["anchor.chainId", ["chain_id_mismatch"]],
  ["anchor.contract", ["contract_mismatch"]],
  ["anchor.checkpointIndex", ["checkpoint_index_mismatch"]],
  ["anchor.treeSize", ["checkpoint_size_mismatch"]],
  ["anchor.root", ["checkpoint_root_mismatch"]],
  ["anchor.txHash", ["anchor_tx_mismatch"]],
  ["anchor.blockNumber", ["checkpoint_block_mismatch"]],
];

t.test("property: changing any single field of a valid bundle fails with that field's code", async (t) => {
  const paths = leafPaths(vector.bundle);
  t.ok(paths.length > 30, `${paths.length} fields`);
  for (const p of paths) t.ok(EXPECTED.some(([prefix]) => p.join(".").startsWith(prefix)), `${p.join(".")} has an expected code`);
  t.doesNotThrow(() => fc.assert(fc.property(fc.constantFrom(...paths), fc.nat(10_000), (path, salt) => {
    const original = path.reduce<unknown>((o, k) => (o as { [x: string | number]: unknown })[k], vector.bundle);
    const r = verifyBundle(setPath(vector.bundle, path, altered(original, salt)), vector.chainFacts);
    const codes = failedCodes(r) as string[];
    const wanted = EXPECTED.find(([prefix]) => path.join(".").startsWith(prefix))![1];
    return !r.ok && (codes.includes("bundle_schema") || wanted.some((c) => codes.includes(c)));
  }), { numRuns: 500 }));
});
