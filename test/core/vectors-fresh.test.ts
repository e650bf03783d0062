// The committed vectors are exactly what the generator produces from core today (regenerate deliberately, review the diff).
import t from "tap";
import { readFileSync } from "node:fs";
import { VECTOR_FILES } from "./vectors/files.ts";

for (const [name, generate] of VECTOR_FILES) {
  const committed = JSON.parse(readFileSync(new URL(`../../docs/vectors/${name}`, import.meta.url), "utf8"));
  t.same(JSON.parse(JSON.stringify(generate())), committed, `docs/vectors/${name} is current`);
}
