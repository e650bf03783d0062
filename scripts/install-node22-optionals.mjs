// npm runs under the machine's Node 20 and skips optional platform packages whose engines ask for Node >= 22
// (Hardhat's EDR binding). This postinstall runs under the node@22 devDependency, so it can install them.
import { existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { delimiter, dirname } from "node:path";

const parents = ["@nomicfoundation/edr"];
const platformTag = `${process.platform}-${process.arch}`;
const missing = [];
for (const parent of parents) {
  const manifest = `node_modules/${parent}/package.json`;
  if (!existsSync(manifest)) continue; // not installed at all (e.g. --omit=dev): nothing to complete
  const optional = JSON.parse(readFileSync(manifest, "utf8")).optionalDependencies ?? {};
  for (const [name, version] of Object.entries(optional)) {
    const forThisPlatform = name.includes(platformTag) && (process.platform !== "linux" || name.endsWith("-gnu"));
    if (forThisPlatform && !existsSync(`node_modules/${name}/package.json`)) missing.push(`${name}@${version}`);
  }
}
if (missing.length > 0) {
  console.log(`otledger: installing platform packages npm skipped under Node ${process.versions.node}: ${missing.join(", ")}`);
  // npm must itself run under this Node, or it skips the packages again.
  const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}` };
  execFileSync("npm", ["install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", ...missing], { stdio: "inherit", env });
}
