// Hardhat 3's `hardhat build` prints solc warnings but still succeeds (and prints nothing on a cache hit), so this
// runs the build and then fails if the solc output behind any current artifact holds a warning or an error.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const hardhatCli = join(require.resolve("hardhat/package.json"), "..", "dist/src/cli.js");
const build = spawnSync(process.execPath, [hardhatCli, "build", ...process.argv.slice(2)], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

// Only build-info files that current artifacts point to: stale ones must not fail (or pass) the build.
const buildInfoIds = new Set(
  readdirSync("artifacts/contracts", { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(".json"))
    .map((d) => JSON.parse(readFileSync(join(d.parentPath, d.name), "utf8")).buildInfoId)
    .filter((id) => typeof id === "string"),
);
if (buildInfoIds.size === 0) {
  console.error("build-contracts: no artifacts found after the build");
  process.exit(1);
}
const diagnostics = [...buildInfoIds].flatMap((id) => {
  const { output } = JSON.parse(readFileSync(join("artifacts/build-info", `${id}.output.json`), "utf8"));
  return (output.errors ?? []).filter((e) => e.severity === "warning" || e.severity === "error");
});
for (const d of diagnostics) console.error(d.formattedMessage ?? `${d.severity}: ${d.message}`);
if (diagnostics.length > 0) {
  console.error(`build-contracts: ${diagnostics.length} solc diagnostic(s); warnings fail the build`);
  process.exit(1);
}
console.log(`build-contracts: no solc warnings (${buildInfoIds.size} build-info file(s) checked)`);
