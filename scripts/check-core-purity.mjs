// dependency-cruiser sees imports; this sees what imports cannot show: core reads no environment and no clock, and
// sdk/ (which runs in a browser as it is) names no node: module, not even in a type import, and no Node global.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const FORBIDDEN = [
  [/\bprocess\.(env|argv|cwd|exit|stdout|stderr|hrtime)\b/, "process state"],
  [/\bDate\.now\(|\bnew Date\(\s*\)/, "the clock (time is passed in)"],
  [/\bMath\.random\(/, "randomness (pass it in)"],
  [/\b(fetch|setTimeout|setInterval)\(/, "I/O or timers"],
];
const SDK_FORBIDDEN = [
  [/["']node:[\w/]+["']/, "a node: module (the SDK runs in a browser)"],
  [/\bprocess\.|\bBuffer\.|\brequire\(/, "a Node global (the SDK runs in a browser)"],
];
const sourcesOf = (dir, skip = /^$/) => readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile() && /\.(ts|mts|js)$/.test(d.name))
  .map((d) => join(d.parentPath, d.name))
  .filter((f) => !skip.test(f));

let violations = 0;
function check(files, forbidden, rule) {
  for (const file of files) {
    readFileSync(file, "utf8").split("\n").forEach((line, i) => {
      if (/^\s*(\/\/|\*)/.test(line)) return;
      for (const [pattern, what] of forbidden) {
        if (pattern.test(line)) {
          console.error(`${file}:${i + 1}: ${rule}, found ${what}: ${line.trim()}`);
          violations++;
        }
      }
    });
  }
  return files.length;
}
const core = check(sourcesOf("core"), FORBIDDEN, "core must stay pure");
// sdk/browser/build.ts is the page's build script (Node, esbuild), not part of the page
const sdk = check(sourcesOf("sdk", /^sdk\/browser\/build|^sdk\/generated\//), SDK_FORBIDDEN, "sdk must run in a browser");
if (violations > 0) process.exit(1);
console.log(`core purity: ${core} files clean; sdk browser-safety: ${sdk} files clean`);
