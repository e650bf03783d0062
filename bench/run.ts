// `npm run bench`: runs every bench/*.bench.ts one after another (never in parallel: 2 cores), keeps each one's
// JSON (its last stdout line) in bench/out/, and writes bench/RESULTS.md with the machine, each bench's method
// (its header comment) and its printed figures. `npm run bench -- merkle gas` runs only those.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { basename, join } from "node:path";

const benchDir = import.meta.dirname;
const outDir = join(benchDir, "out");
mkdirSync(outDir, { recursive: true });
const only = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.includes(f.replace(".bench.ts", "")))
  .sort();

const machine = [
  `- CPU: ${os.cpus()[0]?.model ?? "unknown"} × ${os.cpus().length}`,
  `- Memory: ${Math.round(os.totalmem() / 2 ** 30)} GiB; OS: ${os.type()} ${os.release()}`,
  `- Node ${process.versions.node}; date ${new Date().toISOString()}`,
].join("\n");

/** The leading `//` comment block of a bench file: it states the method. */
function methodOf(source: string): string {
  const lines: string[] = [];
  for (const line of source.split("\n")) {
    if (!line.startsWith("//")) break;
    lines.push(line.replace(/^\/\/ ?/, ""));
  }
  return lines.join("\n");
}

/** A bench that prints only its JSON summary is shown as that JSON, long strings (query plans) left to the file. */
function compact(json: unknown): string {
  return JSON.stringify(json, (_key, value: unknown) => (typeof value === "string" && value.length > 160 ? "(see the JSON file)" : value), 1);
}

const sections: string[] = [];
let failures = 0;
for (const file of files) {
  const name = basename(file, ".bench.ts");
  process.stdout.write(`\n== ${name}\n`);
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(" ");
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(benchDir, file)], { encoding: "utf8", maxBuffer: 64 * 2 ** 20, stdio: ["ignore", "pipe", "pipe"] });
  process.stderr.write(run.stderr);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const lines = run.stdout.trimEnd().split("\n");
  process.stdout.write(run.stdout);
  // The summary is the last JSON document printed: one line, or pretty-printed from a line starting with "{".
  let json: unknown = null;
  let jsonStart = lines.length;
  for (let i = lines.length - 1; i >= 0 && json === null; i--) {
    if (!lines[i]!.startsWith("{")) continue;
    try {
      json = JSON.parse(lines.slice(i).join("\n"));
      jsonStart = i;
    } catch {
      // not the start of the summary: keep looking; a bench that died before it is reported below, not hidden
    }
  }
  if (run.status !== 0 || json === null) failures++;
  else writeFileSync(join(outDir, `${name}.json`), JSON.stringify(json, null, 2) + "\n");
  const printed = lines.slice(0, jsonStart).join("\n").trim();
  sections.push([
    `## ${name}`,
    "",
    `Run ${new Date().toISOString()} on ${os.cpus()[0]?.model ?? "unknown CPU"} × ${os.cpus().length}, load average at start ${loadAtStart}.`,
    "",
    `Method (from \`bench/${file}\`):`,
    "",
    methodOf(readFileSync(join(benchDir, file), "utf8")).split("\n").map((l) => `> ${l}`).join("\n"),
    "",
    run.status === 0 ? `Output (${seconds} s; JSON in \`bench/out/${name}.json\`):` : `**FAILED** (exit ${run.status}) after ${seconds} s. Output:`,
    "",
    "```",
    printed || (run.status === 0 ? compact(json) : run.stderr.trim().split("\n").slice(-15).join("\n")),
    "```",
  ].join("\n"));
}

// A partial run (`npm run bench -- audit`) replaces only its own sections and keeps the others' last results.
const resultsFile = join(benchDir, "RESULTS.md");
const kept = new Map<string, string>();
if (only.length > 0 && existsSync(resultsFile)) {
  for (const part of readFileSync(resultsFile, "utf8").split(/\n(?=## )/).slice(1)) {
    const name = /^## (\S+)/.exec(part)?.[1];
    if (name !== undefined && name !== "Machine") kept.set(name, part.trimEnd());
  }
}
for (const section of sections) kept.set(/^## (\S+)/.exec(section)![1]!, section);
writeFileSync(resultsFile, [
  "# otledger benchmark results",
  "",
  "Written by `npm run bench` (bench/run.ts). Every figure comes from one bench's run; comparisons were measured",
  "side by side in the same run. A partial run (`npm run bench -- NAME`) replaces only its sections, so each section",
  "names its own CPU; the machine below is the latest run's. Nothing here is asserted by a test. Each section says when it ran",
  "and the load average it started under: on 2 cores, other processes move the wall-clock figures.",
  "",
  "## Machine",
  "",
  machine,
  "",
  ...[...kept.keys()].sort().flatMap((name) => [kept.get(name)!, ""]),
].join("\n"));
process.stdout.write(`\nwrote bench/RESULTS.md (${files.length} benches, ${failures} failed)\n`);
process.exit(failures === 0 ? 0 : 1);
