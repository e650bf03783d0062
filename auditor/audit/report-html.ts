// `--html report.html`: one self-contained file (uPlot inlined from node_modules) that opens offline: the verdict,
// the findings with evidence, the erased records (not findings), the anchoring summary, chart and paged checkpoint table, per-device reading plots.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { ReadingPoint } from "./collect.ts";
import { REPORT_SCRIPT } from "./report-html-script.ts";
import { anchoringSummary, checkpointTable, devicesTable, erasedTable, esc, findingsTable } from "./report-html-tables.ts";
import type { AuditReport } from "./run.ts";

const require = createRequire(import.meta.url);
const MAX_POINTS = 2000;

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

const STYLE = `body{font:14px system-ui,sans-serif;margin:20px;color:#1a202c}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #cbd5e0;padding:3px 6px;text-align:left;vertical-align:top}
.scroll{max-width:100%;overflow-x:auto}table.wrap td{overflow-wrap:anywhere}
code{font-size:12px;word-break:break-all}p,li,dd{overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dt{font-weight:bold}dd{margin:0}
tr.gap td{background:#fefcbf}.pager{margin:8px 0}
.uplot{max-width:100%}.u-title,.u-legend{overflow-wrap:anywhere}`;

export async function renderHtmlReport(r: AuditReport): Promise<string> {
  const [uplotJs, uplotCss] = await Promise.all([
    readFile(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
    readFile(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
  ]);
  const data = JSON.stringify({ timeline: r.timeline, maxLagMs: r.anchoring.maxLagMs, gaps: r.anchoring.gaps, series: readingSeries(r.readings) })
    .replace(/</g, "\\u003c");
  const clean = r.verdict === "clean";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>otledger audit — ${esc(r.verdict)}</title>
<style>${uplotCss}
${STYLE}
.verdict{padding:12px;font-size:20px;font-weight:bold;color:#fff;background:${clean ? "#2f855a" : "#c53030"}}</style>
</head><body>
<div class="verdict">${clean ? "CLEAN — no findings" : `FINDINGS — ${r.totalFindings}`}</div>
<p>Audited ${esc(r.source)} at ${esc(r.auditedAt)} against LedgerAnchor <code>${esc(r.chain.contract)}</code> on chain ${r.chain.chainId}
(${r.chain.checkpoints} checkpoints, anchored size ${r.chain.anchoredSize}). All times are UTC.</p>
<p>${r.stats.records} records in ${r.stats.streams} streams, ${r.stats.envelopes} envelopes (${r.stats.signaturesVerified} signatures verified), ${r.stats.leaves} leaves,
${r.stats.checkpointsChecked} checkpoint roots rebuilt.</p>
<h2>Findings</h2>${findingsTable(r)}
<h2>Erased records</h2>${erasedTable(r)}
<h2>Anchoring</h2>${anchoringSummary(r)}<div id="timeline-plot"></div>${checkpointTable()}
<h2>Devices</h2>${devicesTable(r)}
<h2>Readings</h2><div id="device-plots"></div>
<script type="application/json" id="audit-data">${data}</script>
<script>${uplotJs}</script>
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}
