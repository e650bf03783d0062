// Regenerates docs/vectors/*.json from core (run after a deliberate protocol change, then review the diff):
//   node_modules/node/bin/node --experimental-strip-types scripts/gen-vectors.ts
// test/core/vectors.test.ts checks core against the committed files, so code and spec cannot drift apart.
import { writeFileSync } from "node:fs";
import { bundleVectors } from "./vectors/bundle.ts";
import { envelopeVectors } from "./vectors/envelope.ts";
import { merkleVectors } from "./vectors/merkle.ts";
import { opcValueVectors } from "./vectors/opc-values.ts";
import { recordVectors } from "./vectors/records.ts";

const files: [string, unknown][] = [
  ["opc-values.json", opcValueVectors()],
  ["records.json", recordVectors()],
  ["merkle.json", merkleVectors()],
  ["envelope.json", envelopeVectors()],
  ["bundle.json", bundleVectors()],
];
for (const [name, content] of files) {
  writeFileSync(`docs/vectors/${name}`, JSON.stringify(content, null, 1) + "\n");
  console.log(`docs/vectors/${name}`);
}
