// The server-rendered parts of the HTML report: findings, the anchoring summary, devices. The checkpoint table
// itself is paged in the browser (report-html-script.ts): a day at the default interval is 17,280 checkpoints.
import type { Percentiles } from "./anchoring-summary.ts";
import type { AuditReport } from "./run.ts";

export const esc = (s: unknown) => String(typeof s === "string" ? s : JSON.stringify(s) ?? "")
  .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Wide tables scroll inside their own box, so the page never gets wider than the window. */
const scroll = (table: string) => `<div class="scroll">${table}</div>`;
const utc = (sec: number) => new Date(sec * 1000).toISOString().replace("T", " ").replace(".000Z", " UTC");

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
const spread = (p: Percentiles | null) => p ? `median ${duration(p.p50)}, p90 ${duration(p.p90)}, p99 ${duration(p.p99)}, max ${duration(p.max)}` : "n/a";

export function findingsTable(r: AuditReport): string {
  if (r.totalFindings === 0) return "<p>No findings.</p>";
  const counts = Object.entries(r.counts).map(([c, n]) => `<li><code>${esc(c)}</code> × ${n}</li>`).join("");
  const stream = (f: AuditReport["findings"][number]) => f.stream ? ` stream <code>${esc(f.stream)}</code>` : "";
  const who = (f: AuditReport["findings"][number]) => f.device ? `<br>device <code>${esc(f.device)}</code>${stream(f)}` : f.devices ? `<br>suspects ${f.devices.map((d) => `<code>${esc(d)}</code>`).join(" ")}` : "";
  const rows = r.findings.map((f) => `<tr><td><code>${esc(f.code)}</code></td><td>${esc(f.message)}${who(f)}</td>` +
    `<td><code>${f.expected === undefined ? "" : esc(f.expected)}</code></td><td><code>${f.computed === undefined ? "" : esc(f.computed)}</code></td></tr>`).join("");
  const note = r.findings.length < r.totalFindings ? `<p>Showing ${r.findings.length} of ${r.totalFindings} findings (the first of each code).</p>` : "";
  return `<ul>${counts}</ul>${note}` + scroll(`<table id="findings-table" class="wrap"><thead><tr><th>code</th><th>finding</th><th>expected</th><th>computed</th></tr></thead><tbody>${rows}</tbody></table>`);
}

export function anchoringSummary(r: AuditReport): string {
  const t = r.timeline;
  const first = t[0], last = t.at(-1);
  if (!first || !last) return `<p id="checkpoint-summary">No checkpoint on chain yet.</p>`;
  const a = r.anchoring;
  const gaps = a.gaps.map((g) => `<li>${duration(g.ms)} between checkpoints ${g.after} and ${g.before} (anchored ${utc(t.find((c) => c.index === g.before)?.timestamp ?? 0)})</li>`).join("");
  const gapNote = a.gapCount === 0 ? "none" : `${a.gapCount}${a.gapCount > a.gaps.length ? ` (the ${a.gaps.length} longest listed)` : ""}<ul>${gaps}</ul>`;
  return `<dl id="checkpoint-summary">
<dt>checkpoints</dt><dd>${t.length} on chain, ${r.stats.checkpointsChecked} roots rebuilt from the export</dd>
<dt>first</dt><dd>#${first.index}, size ${first.treeSize}, ${utc(first.timestamp)}, block ${first.blockNumber}</dd>
<dt>last</dt><dd>#${last.index}, size ${last.treeSize}, ${utc(last.timestamp)}, block ${last.blockNumber}</dd>
<dt>interval</dt><dd>${spread(a.intervalMs)}</dd>
<dt>anchoring lag</dt><dd>${spread(a.lagMs)} (record received → anchored on chain)</dd>
<dt>gaps</dt><dd>${gapNote}</dd></dl>`;
}

export function checkpointTable(): string {
  return `<div class="pager"><button type="button" id="cp-prev">‹ previous</button> <span id="cp-page"></span>
<button type="button" id="cp-next">next ›</button> <label>go to # <input id="cp-goto" type="number" min="0" size="7"></label></div>` +
    scroll(`<table id="checkpoint-table" class="wrap"><thead><tr><th>#</th><th>tree size</th><th>+ leaves</th><th>anchored at (UTC)</th><th>block</th><th>max lag</th><th>root</th></tr></thead><tbody></tbody></table>`);
}

export function devicesTable(r: AuditReport): string {
  const rows = r.devices.map((d) => `<tr><td><code>${esc(d.address)}</code></td><td>${esc(d.label ?? "")}</td><td>${d.records}</td>` +
    `<td>${d.firstSeq ?? ""}…${d.lastSeq ?? ""}</td><td>${d.registered ? "yes" : "NO"}</td><td>${d.revoked ? `at checkpoint ${d.revokedAtCheckpoint}` : "no"}</td></tr>`).join("");
  return scroll(`<table class="wrap"><thead><tr><th>device</th><th>label</th><th>records</th><th>seq</th><th>registered</th><th>revoked</th></tr></thead><tbody>${rows}</tbody></table>`);
}

/** Erased records (with evidence: not findings), and the openings summary. */
export function erasedTable(r: AuditReport): string {
  const o = r.openings;
  const summary = `<p id="openings-summary">${o.full} records full, ${o.erased} erased with evidence` +
    `${o.stubs ? `, ${o.stubs} stubs without evidence` : ""}${o.personalErased ? `, ${o.personalErased} events without personal opening or evidence` : ""}` +
    `${o.invalid ? `, ${o.invalid} whose openings fail` : ""}.</p>`;
  if (o.erased === 0) return summary;
  const rows = r.erased.map((e) => `<tr><td>${e.index}</td><td><code>${esc(e.device)}</code></td><td>${e.seq}</td><td>${esc(e.kind)}</td><td>${esc(e.scope)}</td>` +
    `<td>${e.erasure.index}</td><td><code>${esc(e.erasure.signer)}</code></td><td>${esc(e.erasure.reason)}</td><td>${esc(e.erasure.requestedBy)}</td></tr>`).join("");
  const note = r.erased.length < o.erased ? `<p>Showing ${r.erased.length} of ${o.erased} erased records.</p>` : "";
  return summary + note + scroll(`<table id="erased-table" class="wrap"><thead><tr><th>leaf</th><th>device</th><th>seq</th><th>kind</th><th>erased</th>` +
    `<th>erasure leaf</th><th>signed by (service key)</th><th>reason</th><th>requested by</th></tr></thead><tbody>${rows}</tbody></table>`);
}
