// verifyEnvelopeProofV2 against docs/vectors/envelope-proof.json.
import t from "tap";
import { readFileSync } from "node:fs";
import { ENVELOPE_PROOF_CHECKS_V2, envelopeChainFactsQueryV2, verifyEnvelopeProofV2, type ChainFactsV2, type EnvelopeProofV2 } from "../../core/index.ts";
import { setPath, type Path } from "./vectors/paths.ts";

const vector = JSON.parse(readFileSync(new URL("../../docs/vectors/envelope-proof.json", import.meta.url), "utf8")) as {
  proof: EnvelopeProofV2; chainFacts: ChainFactsV2; mutations: { target: "bundle" | "facts"; path: Path; value: unknown; code: string }[];
};

t.test("the vector envelope proof verifies; each mutation fails with its code", async (t) => {
  const r = verifyEnvelopeProofV2(vector.proof, vector.chainFacts);
  t.ok(r.ok);
  t.same(r.checks.map((c) => c.name), ENVELOPE_PROOF_CHECKS_V2);
  t.equal(envelopeChainFactsQueryV2(vector.proof).leafIndex, 8, "revocation is judged at the envelope's last leaf");
  for (const m of vector.mutations) {
    const res = verifyEnvelopeProofV2(m.target === "bundle" ? setPath(vector.proof, m.path, m.value) : vector.proof, m.target === "facts" ? setPath(vector.chainFacts, m.path, m.value) : vector.chainFacts);
    t.ok(!res.ok && res.checks.some((c) => c.code === m.code), `${m.target}.${m.path.join(".")} → ${m.code}`);
  }
  t.same(verifyEnvelopeProofV2({ ...vector.proof, extra: 1 }, vector.chainFacts).checks.map((c) => c.code), ["envelope_proof_schema"], "closed object");
});
