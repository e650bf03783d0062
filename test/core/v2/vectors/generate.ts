// Regenerates docs/vectors/v2/*.json from core/v2 (after a deliberate protocol change; review the diff):
//   node_modules/node/bin/node --experimental-strip-types test/core/v2/vectors/generate.ts
import { mkdirSync, writeFileSync } from "node:fs";
import { V2_VECTOR_FILES } from "./files.ts";

const dir = new URL("../../../../docs/vectors/v2/", import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, generate] of V2_VECTOR_FILES) {
  writeFileSync(new URL(name, dir), JSON.stringify(generate(), null, 1) + "\n");
  console.log(`docs/vectors/v2/${name}`);
}
