// verifyEnvelopeProof against the committed vector (docs/vectors/envelope-proof.json): the valid proof passes
// every check, each single-field mutation fails with its own code, and the passing facts pass.
import t from "tap";
import { readFileSync } from "node:fs";
import { ENVELOPE_PROOF_CHECKS, verifyEnvelopeProof, verifyRangeInclusion, type ChainFacts, type EnvelopeProof } from "../../core/index.ts";
import { setPath } from "./vectors/bundle.ts";

type Mutation = { target: "proof" | "facts"; path: (string | number)[]; value: unknown; code: string };
const vector = JSON.parse(readFileSync(new URL("../../docs/vectors/envelope-proof.json", import.meta.url), "utf8")) as {
  proof: EnvelopeProof; chainFacts: ChainFacts; mutations: Mutation[]; passingFacts: { path: (string | number)[]; value: unknown; why: string }[];
};
const failed = (p: unknown, f: ChainFacts) => verifyEnvelopeProof(p, f).checks.filter((c) => !c.ok).map((c) => c.code);

t.test("the vector proof passes every check, listed in order", async (t) => {
  const r = verifyEnvelopeProof(vector.proof, vector.chainFacts);
  t.ok(r.ok);
  t.same(r.checks.map((c) => c.name), ENVELOPE_PROOF_CHECKS);
  t.ok(r.checks.every((c) => c.ok && !c.skipped));
  const { log, recordHashes, anchor } = vector.proof;
  t.doesNotThrow(() => verifyRangeInclusion(log.firstIndex, recordHashes, log.treeSize, log.proof, anchor.root), "its range proof on its own");
});

t.test("each vector mutation fails with its own code, keeping evidence", async (t) => {
  t.ok(vector.mutations.length >= 20);
  for (const m of vector.mutations) {
    const p = m.target === "proof" ? setPath(vector.proof, m.path, m.value) : vector.proof;
    const f = m.target === "facts" ? setPath(vector.chainFacts, m.path, m.value) : vector.chainFacts;
    const r = verifyEnvelopeProof(p, f);
    t.notOk(r.ok, `${m.target}.${m.path.join(".")}`);
    t.ok(failed(p, f).includes(m.code as never), `${m.target}.${m.path.join(".")} → ${m.code}`);
    t.ok(r.checks.find((c) => c.code === m.code)?.message, "a message explains the failure");
  }
});

t.test("passing facts pass", async (t) => {
  for (const p of vector.passingFacts) t.ok(verifyEnvelopeProof(vector.proof, setPath(vector.chainFacts, p.path, p.value)).ok, p.why);
});
