// dependency-cruiser sees imports; this sees what imports cannot show: core reads no environment and no clock.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const FORBIDDEN = [
  [/\bprocess\.(env|argv|cwd|exit|stdout|stderr|hrtime)\b/, "process state"],
  [/\bDate\.now\(|\bnew Date\(\s*\)/, "the clock (time is passed in)"],
  [/\bMath\.random\(/, "randomness (pass it in)"],
  [/\b(fetch|setTimeout|setInterval)\(/, "I/O or timers"],
];
const files = readdirSync("core", { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile() && /\.(ts|mts|js)$/.test(d.name))
  .map((d) => join(d.parentPath, d.name));
let violations = 0;
for (const file of files) {
  readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    if (/^\s*(\/\/|\*)/.test(line)) return;
    for (const [pattern, what] of FORBIDDEN) {
      if (pattern.test(line)) {
        console.error(`${file}:${i + 1}: core must stay pure, found ${what}: ${line.trim()}`);
        violations++;
      }
    }
  });
}
if (violations > 0) process.exit(1);
console.log(`core purity: ${files.length} files clean`);
