// Regenerates docs/vectors/*.json from core (run after a deliberate protocol change, then review the diff):
//   node_modules/node/bin/node --experimental-strip-types test/core/vectors/generate.ts
// test/core/*.test.ts check core against the committed files (and vectors-fresh.test.ts that they are current).
import { writeFileSync } from "node:fs";
import { bundleVectors } from "./bundle.ts";
import { envelopeVectors } from "./envelope.ts";
import { envelopeProofVectors } from "./envelope-proof.ts";
import { merkleVectors } from "./merkle.ts";
import { merkleRangeVectors } from "./merkle-range.ts";
import { opcValueVectors } from "./opc-values.ts";
import { recordVectors } from "./records.ts";

const files: [string, unknown][] = [
  ["opc-values.json", opcValueVectors()],
  ["records.json", recordVectors()],
  ["merkle.json", merkleVectors()],
  ["merkle-range.json", merkleRangeVectors()],
  ["envelope.json", envelopeVectors()],
  ["bundle.json", bundleVectors()],
  ["envelope-proof.json", envelopeProofVectors()],
];
for (const [name, content] of files) {
  writeFileSync(new URL(`../../../docs/vectors/${name}`, import.meta.url), JSON.stringify(content, null, 1) + "\n");
  console.log(`docs/vectors/${name}`);
}
