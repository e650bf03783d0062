#!/usr/bin/env node
// The CLI is TypeScript run by Node >= 22.18's type stripping. npm and npx put the node@22 devDependency
// first on PATH; when started with an older Node, re-run under that one instead of failing obscurely.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major > 22 || (major === 22 && minor >= 18)) {
  await import("./otledger.ts");
} else {
  const node22 = fileURLToPath(new URL("../node_modules/node/bin/node", import.meta.url));
  if (!existsSync(node22)) {
    console.error(`otledger needs Node >= 22.18 (this is ${process.versions.node}); run \`npm install\` first.`);
    process.exit(2);
  }
  const entry = fileURLToPath(new URL("./otledger.ts", import.meta.url));
  const child = spawnSync(node22, [entry, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(child.status ?? 1);
}
