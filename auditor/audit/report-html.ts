// `--html report.html`: one self-contained file (uPlot inlined from node_modules) that opens offline: the verdict,
// the findings with evidence, the anchoring timeline and per-device reading plots.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { ReadingPoint } from "./collect.ts";
import type { AuditReport } from "./run.ts";

const require = createRequire(import.meta.url);
const MAX_POINTS = 2000;

const esc = (s: unknown) => String(typeof s === "string" ? s : JSON.stringify(s) ?? "")
  .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Series per device and tag, thinned to at most MAX_POINTS points each (every k-th point) to keep the file small. */
function readingSeries(points: readonly ReadingPoint[]): { device: string; tag: string; t: number[]; v: number[] }[] {
  const groups = new Map<string, { device: string; tag: string; pts: ReadingPoint[] }>();
  for (const p of points) {
    const key = `${p.device} ${p.tag}`;
    const g = groups.get(key) ?? { device: p.device, tag: p.tag, pts: [] };
    g.pts.push(p);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const sorted = g.pts.sort((a, b) => a.t - b.t);
    const step = Math.max(1, Math.ceil(sorted.length / MAX_POINTS));
    const kept = sorted.filter((_, i) => i % step === 0);
    return { device: g.device, tag: g.tag, t: kept.map((p) => p.t / 1000), v: kept.map((p) => p.value) };
  });
}

function findingsTable(r: AuditReport): string {
  if (r.totalFindings === 0) return "<p>No findings.</p>";
  const counts = Object.entries(r.counts).map(([c, n]) => `<li><code>${esc(c)}</code> × ${n}</li>`).join("");
  const rows = r.findings.map((f) => `<tr><td><code>${esc(f.code)}</code></td><td>${esc(f.message)}</td>` +
    `<td><code>${f.expected === undefined ? "" : esc(f.expected)}</code></td><td><code>${f.computed === undefined ? "" : esc(f.computed)}</code></td></tr>`).join("");
  const note = r.findings.length < r.totalFindings ? `<p>Showing ${r.findings.length} of ${r.totalFindings} findings (the first of each code).</p>` : "";
  return `<ul>${counts}</ul>${note}<table><thead><tr><th>code</th><th>finding</th><th>expected</th><th>computed</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function timelineTable(r: AuditReport): string {
  const rows = r.timeline.map((c) => `<tr><td>${c.index}</td><td>${c.treeSize}</td><td>${new Date(c.timestamp * 1000).toISOString()}</td><td>${c.blockNumber}</td><td><code>${esc(c.root)}</code></td></tr>`).join("");
  return `<table><thead><tr><th>#</th><th>tree size</th><th>anchored at</th><th>block</th><th>root</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function devicesTable(r: AuditReport): string {
  const rows = r.devices.map((d) => `<tr><td><code>${esc(d.address)}</code></td><td>${esc(d.label ?? "")}</td><td>${d.records}</td>` +
    `<td>${d.firstSeq ?? ""}…${d.lastSeq ?? ""}</td><td>${d.registered ? "yes" : "NO"}</td><td>${d.revoked ? `at checkpoint ${d.revokedAtCheckpoint}` : "no"}</td></tr>`).join("");
  return `<table><thead><tr><th>device</th><th>label</th><th>records</th><th>seq</th><th>registered</th><th>revoked</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const PLOT_SCRIPT = `
const data = JSON.parse(document.getElementById("audit-data").textContent);
const width = Math.min(1000, document.body.clientWidth - 40);
if (data.timeline.length) {
  const ts = data.timeline.map((c) => c.timestamp);
  const plot = new uPlot({ title: "Anchored tree size", width, height: 220, scales: { x: { time: true } },
    series: [{}, { label: "tree size", stroke: "#2b6cb0", points: { show: true } }] },
    [ts, data.timeline.map((c) => c.treeSize)], document.getElementById("timeline-plot"));
  // Checkpoints anchored within a minute (a dev chain) would get a range of years: show two minutes around them.
  const lo = Math.min(...ts), hi = Math.max(...ts);
  if (hi - lo < 60) plot.setScale("x", { min: lo - 60, max: hi + 60 });
}
const host = document.getElementById("device-plots");
for (const s of data.series) {
  const div = document.createElement("div");
  host.appendChild(div);
  new uPlot({ title: s.device + " — " + s.tag, width, height: 200, scales: { x: { time: true } },
    series: [{}, { label: s.tag, stroke: "#c05621" }] }, [s.t, s.v], div);
}`;

export async function renderHtmlReport(r: AuditReport): Promise<string> {
  const [uplotJs, uplotCss] = await Promise.all([
    readFile(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    readFile(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
  ]);
  const data = JSON.stringify({ timeline: r.timeline, series: readingSeries(r.readings) }).replace(/</g, "\\u003c");
  const clean = r.verdict === "clean";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>otledger audit — ${esc(r.verdict)}</title>
<style>${uplotCss}
body{font:14px system-ui,sans-serif;margin:20px;color:#1a202c}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #cbd5e0;padding:3px 6px;text-align:left;vertical-align:top}
code{font-size:12px;word-break:break-all}.verdict{padding:12px;font-size:20px;font-weight:bold;color:#fff;background:${clean ? "#2f855a" : "#c53030"}}</style>
</head><body>
<div class="verdict">${clean ? "CLEAN — no findings" : `FINDINGS — ${r.totalFindings}`}</div>
<p>Audited ${esc(r.source)} at ${esc(r.auditedAt)} against LedgerAnchor <code>${esc(r.chain.contract)}</code> on chain ${r.chain.chainId}
(${r.chain.checkpoints} checkpoints, anchored size ${r.chain.anchoredSize}).</p>
<p>${r.stats.records} records, ${r.stats.envelopes} envelopes (${r.stats.signaturesVerified} signatures verified), ${r.stats.leaves} leaves,
${r.stats.checkpointsChecked} checkpoint roots rebuilt.</p>
<h2>Findings</h2>${findingsTable(r)}
<h2>Anchoring timeline</h2><div id="timeline-plot"></div>${timelineTable(r)}
<h2>Devices</h2>${devicesTable(r)}
<h2>Readings</h2><div id="device-plots"></div>
<script type="application/json" id="audit-data">${data}</script>
<script>${uplotJs}</script>
<script>${PLOT_SCRIPT}</script>
</body></html>
`;
}
