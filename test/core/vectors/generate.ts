// Regenerates docs/vectors/*.json from core (after a deliberate protocol change; review the diff):
//   node_modules/node/bin/node --experimental-strip-types test/core/vectors/generate.ts
// test/core/*.test.ts check core against the committed files (and vectors-fresh.test.ts that they are current).
import { writeFileSync } from "node:fs";
import { VECTOR_FILES } from "./files.ts";

const dir = new URL("../../../docs/vectors/", import.meta.url);
for (const [name, generate] of VECTOR_FILES) {
  writeFileSync(new URL(name, dir), JSON.stringify(generate(), null, 1) + "\n");
  console.log(`docs/vectors/${name}`);
}
