// npm run sdk:generate [outDir]: writes openapi.json and api.ts (default sdk/generated/). Re-run after changing a route.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateSdkSources } from "./openapi-document.ts";

const outDir = process.argv[2] ?? "sdk/generated";
const { document, types } = await generateSdkSources();
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "openapi.json"), document);
writeFileSync(join(outDir, "api.ts"), types);
console.log(`wrote ${join(outDir, "openapi.json")} and ${join(outDir, "api.ts")}`);
process.exit(0);
