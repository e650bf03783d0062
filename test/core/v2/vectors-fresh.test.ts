// The committed v2 vectors are exactly what the generator produces from core/v2 today.
import t from "tap";
import { readFileSync } from "node:fs";
import { V2_VECTOR_FILES } from "./vectors/files.ts";

for (const [name, generate] of V2_VECTOR_FILES) {
  const committed = JSON.parse(readFileSync(new URL(`../../../docs/vectors/v2/${name}`, import.meta.url), "utf8"));
  t.same(JSON.parse(JSON.stringify(generate())), committed, `docs/vectors/v2/${name} is current`);
}
