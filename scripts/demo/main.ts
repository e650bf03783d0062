// `npm run demo` (and `otledger demo`): the whole otledger story in one command, in a fresh temporary data
// directory. Exit 0 only if every verification passed and the tampering was detected; 1 otherwise; 2 for usage.
//
//   npm run demo                          ~20 s of streaming
//   DEMO_STREAM_SECONDS=5 npm run demo    shorter (the smoke test)
//   npm run demo -- --seconds 10 --keep --report ./demo-report.html
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Cleanup } from "./cleanup.ts";
import { runDemo } from "./run.ts";
import { Story } from "./story.ts";

const USAGE = `usage: npm run demo -- [--seconds N] [--report FILE] [--keep]
  --seconds N     how long the edge agent streams (default 20, or DEMO_STREAM_SECONDS)
  --report FILE   where to write the HTML audit report (default: <data dir>/artifacts/audit-report.html)
  --keep          keep the PostgreSQL cluster, chain state and spool (default: only the artifacts are kept)
exit codes: 0 every verification passed and the tampering was detected, 1 otherwise, 2 usage`;

function options() {
  let parsed;
  try {
    parsed = parseArgs({ options: { seconds: { type: "string" }, report: { type: "string" }, keep: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  } catch (err) {
    process.stderr.write(`otledger demo: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE + "\n");
    process.exit(0);
  }
  const seconds = Number(parsed.values.seconds ?? process.env.DEMO_STREAM_SECONDS ?? 20);
  if (!Number.isFinite(seconds) || seconds < 2 || seconds > 600) {
    process.stderr.write(`otledger demo: --seconds must be a number from 2 to 600, got ${parsed.values.seconds ?? process.env.DEMO_STREAM_SECONDS}\n`);
    process.exit(2);
  }
  return { seconds, report: parsed.values.report, keep: Boolean(parsed.values.keep) };
}

const opts = options();
const story = new Story();
const cleanup = new Cleanup();
const root = await mkdtemp(join(tmpdir(), "otledger-demo-"));
await chmod(root, 0o755); // embedded PostgreSQL runs as the `postgres` user, which must reach its data directory
const dirs = { ledger: join(root, "ledger"), edge: join(root, "edge"), artifacts: join(root, "artifacts") };
await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
const reportFile = resolve(opts.report ?? join(dirs.artifacts, "audit-report.html"));

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    story.print(`\n${signal}: stopping everything the demo started …`);
    void cleanup.run().then((failed) => {
      if (failed.length) story.print(`could not stop cleanly: ${failed.join(", ")}`);
      const remove = opts.keep || failed.length ? Promise.resolve() : rm(root, { recursive: true, force: true });
      void remove.then(() => {
        story.print(opts.keep || failed.length ? `data kept in ${root}` : `removed ${root}`);
        process.exit(signal === "SIGINT" ? 130 : 143);
      });
    });
  });
}

// A crash must not orphan PostgreSQL or anvil: stop everything, then exit 1. A stray rejection in a background task
// is reported but does not decide the outcome; the checks do.
process.on("uncaughtException", (err) => {
  process.stderr.write(`otledger demo: unexpected error: ${err.stack ?? err.message}\n`);
  void cleanup.run().then(() => process.exit(1));
});
process.on("unhandledRejection", (err) => {
  process.stderr.write(`otledger demo: background task failed: ${(err as Error)?.message ?? String(err)}\n`);
});

story.print(`otledger demo — data directory ${root} (temporary; ./.otledger is not touched)`);
try {
  await runDemo(story, { streamSeconds: opts.seconds, dirs, reportFile }, cleanup);
} catch (err) {
  if (!interrupted) story.check("the demo ran to the end", false, (err as Error).message);
}
if (interrupted) await new Promise(() => {}); // the signal handler finishes and exits
const failedStops = await cleanup.run();
story.check("every process the demo started stopped gracefully", failedStops.length === 0, failedStops.length ? `failed: ${failedStops.join(", ")}` : "agent, simulator, service, PostgreSQL, anvil");
story.figure("wall time", `${story.elapsedSeconds.toFixed(1)} s`);
story.printFigures();

if (story.passed && !opts.keep) {
  await rm(dirs.ledger, { recursive: true, force: true });
  await rm(dirs.edge, { recursive: true, force: true });
}
story.print(`\nKept: ${dirs.artifacts} (proof bundle, regulator bundle, tampered copies${reportFile.startsWith(dirs.artifacts) ? ", HTML report" : ""})` +
  `${reportFile.startsWith(dirs.artifacts) ? "" : `; HTML report ${reportFile}`}${story.passed && !opts.keep ? "" : `; logs and data under ${root}`}`);
const failed = story.checks.filter((c) => !c.ok);
story.print(story.passed ? "RESULT: PASS — every verification passed and the tampering was detected"
  : `RESULT: FAIL — ${failed.length} check${failed.length === 1 ? "" : "s"} failed: ${failed.map((c) => c.name).join("; ")}`);
process.exit(story.passed ? 0 : 1);
