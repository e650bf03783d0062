// Reads tap's TAP stream on stdin and prints the closing line CI reads: "N passed, N failed" (assertions, all levels).
import { Parser } from "tap-parser";

let passed = 0;
let failed = 0;
let skipped = 0;
const parser = new Parser({ flat: true }, () => {
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
});
parser.on("assert", (a) => {
  if (a.skip || a.todo) skipped++;
  else if (a.ok) passed++;
  else failed++;
});
process.stdin.pipe(parser);
