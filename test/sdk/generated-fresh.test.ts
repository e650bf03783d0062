// sdk/generated/api.ts is what `npm run sdk:generate` makes from the service's OpenAPI document now: regenerate
// into a temp dir (a real test ledger serves the document) and compare byte for byte.
import t from "tap";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

t.test("the committed SDK types match the service's document", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "sdk-generated-"));
  execFileSync(process.execPath, ["--disable-warning=ExperimentalWarning", "scripts/sdk/generate.ts", dir], { stdio: "pipe" });
  const fresh = readFileSync(join(dir, "api.ts"), "utf8");
  const committed = readFileSync("sdk/generated/api.ts", "utf8");
  t.ok(fresh.includes('"/v1/records/{hash}/proof": {'), "the regenerated types cover the API");
  t.ok(fresh === committed, "sdk/generated/api.ts is stale: run `npm run sdk:generate` and commit it");
});
