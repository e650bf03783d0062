// The report's browser script (plain JS, inlined): uPlot charts in UTC with y axes as wide as their labels, and
// the checkpoint table paged from the embedded data. Plots are kept on window.auditPlots for inspection.
export const CHECKPOINT_PAGE_ROWS = 100;

export const REPORT_SCRIPT = `
const data = JSON.parse(document.getElementById("audit-data").textContent);
const pad = (n) => String(n).padStart(2, "0");
// Times are shown in UTC everywhere, as in the tables, whatever the viewer's time zone.
const utcDate = (sec) => uPlot.tzDate(new Date(sec * 1000), "Etc/UTC");
const iso = (sec) => new Date(sec * 1000).toISOString();
const utcLabel = (sec, incr) => iso(sec).slice(5, incr < 60 ? 19 : 16).replace("T", " ");
const utcFull = (sec) => sec == null ? "" : iso(sec).slice(0, 19).replace("T", " ") + " UTC";
const xAxis = { label: "time (UTC)", values: (u, splits, ai, space, incr) => splits.map((s) => utcLabel(s, incr)) };
// uPlot's y axis is 50 px by default and clips wider labels ("15,000" became "5,000"): size it to its widest label.
function axisSize(self, values, axisIdx, cycleNum) {
  const axis = self.axes[axisIdx];
  if (cycleNum > 1) return axis._size;
  let widest = 0;
  self.ctx.font = axis.font[0];
  for (const v of values || []) widest = Math.max(widest, self.ctx.measureText(String(v)).width / devicePixelRatio);
  return Math.ceil(axis.ticks.size + axis.gap + widest + 4);
}
const yAxis = { size: axisSize };
window.auditPlots = [];
function plot(title, label, stroke, xs, ys, host, extra) {
  const width = Math.max(200, Math.min(1000, host.clientWidth || document.body.clientWidth));
  const u = new uPlot({ title, width, height: 220, tzDate: utcDate, scales: { x: { time: true } }, axes: [xAxis, yAxis],
    series: [{ label: "time (UTC)", value: (u, v) => utcFull(v) }, { label, stroke, ...extra }] }, [xs, ys], host);
  window.auditPlots.push(u);
  return u;
}
if (data.timeline.length) {
  const ts = data.timeline.map((c) => c.timestamp);
  const u = plot("Anchored tree size", "tree size", "#2b6cb0", ts, data.timeline.map((c) => c.treeSize), document.getElementById("timeline-plot"), { points: { show: data.timeline.length <= 200 } });
  // Checkpoints anchored within a minute (a dev chain) would get a range of years: show two minutes around them.
  const lo = ts[0], hi = ts[ts.length - 1];
  if (hi - lo < 60) u.setScale("x", { min: lo - 60, max: hi + 60 });
}
const plots = document.getElementById("device-plots");
for (const s of data.series) {
  const div = document.createElement("div");
  plots.appendChild(div);
  plot(s.device + " — " + s.tag, s.tag, "#c05621", s.t, s.v, div, {});
}

const PAGE = ${CHECKPOINT_PAGE_ROWS};
const rows = data.timeline;
const pages = Math.max(1, Math.ceil(rows.length / PAGE));
const gapBefore = new Set(data.gaps.map((g) => g.before));
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const ms = (v) => v == null ? "" : v < 1000 ? Math.round(v) + " ms" : (v / 1000).toFixed(1) + " s";
const body = document.querySelector("#checkpoint-table tbody");
const pageLabel = document.getElementById("cp-page");
const prev = document.getElementById("cp-prev"), next = document.getElementById("cp-next"), goto = document.getElementById("cp-goto");
let page = 0;
function show(p) {
  page = Math.min(pages - 1, Math.max(0, p));
  body.innerHTML = rows.slice(page * PAGE, (page + 1) * PAGE).map((c, i) => {
    const k = page * PAGE + i;
    const added = c.treeSize - (k > 0 ? rows[k - 1].treeSize : 0);
    return '<tr' + (gapBefore.has(c.index) ? ' class="gap" title="anchoring stalled before this checkpoint"' : "") + '><td>' + c.index + '</td><td>' + c.treeSize +
      '</td><td>' + added + '</td><td>' + esc(utcFull(c.timestamp)) + '</td><td>' + c.blockNumber + '</td><td>' + ms(data.maxLagMs[k]) +
      '</td><td><code>' + esc(c.root) + '</code></td></tr>';
  }).join("");
  const first = page * PAGE, last = Math.min(rows.length, first + PAGE) - 1;
  pageLabel.textContent = rows.length ? "rows " + first + "–" + last + " of " + rows.length + " (page " + (page + 1) + " of " + pages + ")" : "no checkpoints";
  prev.disabled = page === 0;
  next.disabled = page === pages - 1;
}
prev.addEventListener("click", () => show(page - 1));
next.addEventListener("click", () => show(page + 1));
goto.addEventListener("change", () => {
  const k = rows.findIndex((c) => c.index === Number(goto.value));
  if (k >= 0) show(Math.floor(k / PAGE));
});
show(0);`;
