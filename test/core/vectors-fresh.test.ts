// The committed vectors are exactly what the generator produces from core today (regenerate deliberately, review the diff).
import t from "tap";
import { readFileSync } from "node:fs";
import { bundleVectors } from "./vectors/bundle.ts";
import { envelopeVectors } from "./vectors/envelope.ts";
import { envelopeProofVectors } from "./vectors/envelope-proof.ts";
import { merkleVectors } from "./vectors/merkle.ts";
import { merkleRangeVectors } from "./vectors/merkle-range.ts";
import { opcValueVectors } from "./vectors/opc-values.ts";
import { recordVectors } from "./vectors/records.ts";

const committed = (name: string) => JSON.parse(readFileSync(new URL(`../../docs/vectors/${name}`, import.meta.url), "utf8"));
const fresh: [string, () => unknown][] = [
  ["opc-values.json", opcValueVectors], ["records.json", recordVectors], ["merkle.json", merkleVectors], ["merkle-range.json", merkleRangeVectors],
  ["envelope.json", envelopeVectors], ["bundle.json", bundleVectors], ["envelope-proof.json", envelopeProofVectors],
];
for (const [name, generate] of fresh) {
  t.same(JSON.parse(JSON.stringify(generate())), committed(name), `docs/vectors/${name} is current`);
}
