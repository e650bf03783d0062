// Reads tap's TAP stream on stdin and prints the closing line CI reads: "N passed, N failed", counting every
// assertion at every level. A subtest's own summary line ("ok 3 - file.test.ts") is not an assertion: each child
// parser produces exactly one such line in its parent, so those are subtracted.
import { Parser } from "tap-parser";

const counts = { pass: 0, fail: 0, skip: 0, subtestPass: 0, subtestFail: 0 };

function watch(parser) {
  parser.on("assert", (a) => {
    if (a.skip || a.todo) counts.skip++;
    else if (a.ok) counts.pass++;
    else counts.fail++;
  });
  parser.on("child", (child) => {
    child.on("complete", (result) => {
      if (result.ok) counts.subtestPass++;
      else counts.subtestFail++;
    });
    watch(child);
  });
}

const root = new Parser(() => {
  const passed = counts.pass - counts.subtestPass;
  // A failed subtest with no failed assertion inside (a crash, a timeout, a planning error) still counts once.
  const failed = Math.max(counts.fail - counts.subtestFail, counts.fail > 0 ? 1 : 0);
  console.log(`${passed} passed, ${failed} failed${counts.skip ? `, ${counts.skip} skipped` : ""}`);
});
watch(root);
process.stdin.pipe(root);
