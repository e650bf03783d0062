// Issue item 22: the HTML audit report at a realistic size (120,000 records, 2,050 checkpoints), opened in real
// headless Chromium (Debian's chromium) in America/New_York: y-axis labels not clipped, chart times in UTC, the
// checkpoint table summarised and paged, nothing wider than a 375 px phone, and a screenshot kept.
import t from "tap";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { chromium, type Page } from "playwright-core";
import { renderHtmlReport } from "../../auditor/audit/report-html.ts";
import { CHECKPOINT_PAGE_ROWS } from "../../auditor/audit/report-html-script.ts";
import { SYNTHETIC, syntheticReport } from "./fixture/synthetic-report.ts";

const artifacts = resolve(import.meta.dirname, "../../artifacts");
await mkdir(artifacts, { recursive: true });
const report = syntheticReport();
const file = join(artifacts, "audit-report-large.html");
await writeFile(file, await renderHtmlReport(report));

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
t.teardown(() => browser.close());
async function open(width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ timezoneId: "America/New_York", viewport: { width, height } });
  t.teardown(() => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto("file://" + file);
  await page.waitForFunction(() => (globalThis as any).auditPlots?.length > 0);
  t.same(errors, [], "no script errors");
  return page;
}

type AxisView = { title: string; values: string[]; splits: number[]; size: number; widest: number; ticks: number };
// Runs in the page (no DOM types in this project's tsconfig, hence `any`).
const axes = (page: Page, axis: number): Promise<AxisView[]> => page.evaluate((axis) => (globalThis as any).auditPlots.map((u: any) => {
  const g = globalThis as any;
  const a = u.axes[axis];
  const ctx = g.document.createElement("canvas").getContext("2d");
  ctx.font = a.font[0];
  const widest = Math.max(...a._values.map((v: string) => ctx.measureText(v).width / g.devicePixelRatio));
  return { title: u.root.querySelector(".u-title")?.textContent ?? "", values: a._values, splits: a._splits, size: a._size, widest, ticks: a.ticks.size };
}), axis);

const desktop = await open(1280, 900);

t.test("y-axis labels are shown in full: each axis is at least as wide as its widest label", async (t) => {
  const ys = await axes(desktop, 1);
  t.equal(ys.length, 1 + SYNTHETIC.devices, "the tree-size chart and one chart per device");
  for (const y of ys) t.ok(y.size >= y.widest + y.ticks, `${y.title}: axis ${y.size} px ≥ label ${y.widest.toFixed(1)} px + ticks ${y.ticks} px`);
  t.ok(ys[0]!.values.some((v) => Number(v.replace(/,/g, "")) >= 100_000), `the tree size reaches six digits (${ys[0]!.values.join(" ")})`);
  t.ok(ys.slice(1).every((y) => y.values.includes("15,000")), "the readings' largest value is labelled 15,000, not 5,000");
});

t.test("chart times are UTC (the browser is in New York)", async (t) => {
  for (const x of await axes(desktop, 0)) {
    const wrong = x.values.filter((label, i) => {
      const iso = new Date(x.splits[i]! * 1000).toISOString();
      return !(label.startsWith(iso.slice(5, 10)) && label.includes(iso.slice(11, 16)));
    });
    t.ok(x.values.length > 1 && wrong.length === 0, `${x.title}: time labels ${x.values.slice(0, 3).join(", ")}… are UTC (not: ${wrong.join(", ")})`);
  }
  const legend = await desktop.evaluate(() => {
    const u = (globalThis as any).auditPlots[0];
    u.setCursor({ left: u.bbox.width / (globalThis as any).devicePixelRatio / 2, top: 20 });
    return { ts: u.data[0][u.cursor.idx], text: u.root.querySelector(".u-legend .u-series .u-value").textContent };
  });
  t.equal(legend.text, new Date(legend.ts * 1000).toISOString().slice(0, 19).replace("T", " ") + " UTC", "the legend shows the cursor's time in UTC");
});

t.test("the checkpoint table is summarised and paged", async (t) => {
  const summary = await desktop.textContent("#checkpoint-summary");
  t.match(summary, new RegExp(`${SYNTHETIC.checkpoints} on chain`), "total");
  t.match(summary, /first#0, size \d+, 2026-11-24 03:00:05 UTC/, "first checkpoint, in UTC");
  t.match(summary, /anchoring lag.*median .*p90 .*p99 .*max/, "anchoring lag percentiles");
  t.match(summary, /anchoring lagmedian [\d.]+ s, .*max 10\.0 min/, "records waited up to the stall");
  t.match(summary, /gaps2 *10\.0 min between checkpoints 698 and 699/, "both stalls, each with the checkpoints around it");
  const rows = () => desktop.$$eval("#checkpoint-table tbody tr", (trs) => trs.map((tr) => tr.querySelector("td")!.textContent));
  t.same(await rows(), Array.from({ length: CHECKPOINT_PAGE_ROWS }, (_, i) => String(i)), "the first page: checkpoints 0–99");
  t.ok(await desktop.isDisabled("#cp-prev"), "no page before the first");
  await desktop.click("#cp-next");
  t.equal((await rows())[0], String(CHECKPOINT_PAGE_ROWS), "next: the second page");
  await desktop.fill("#cp-goto", String(SYNTHETIC.checkpoints - 1));
  await desktop.dispatchEvent("#cp-goto", "change");
  const last = await rows();
  t.equal(last.length, SYNTHETIC.checkpoints % CHECKPOINT_PAGE_ROWS, "the last page holds the rest");
  t.equal(last.at(-1), String(SYNTHETIC.checkpoints - 1));
  t.ok(await desktop.isDisabled("#cp-next"), "no page after the last");
  t.match(await desktop.textContent("#cp-page"), /page 21 of 21/);
  await desktop.fill("#cp-goto", "699");
  await desktop.dispatchEvent("#cp-goto", "change");
  t.same(await desktop.$$eval("#checkpoint-table tr.gap td:first-child", (tds) => tds.map((td) => td.textContent)), ["699"], "the checkpoint after a stall is marked");
});

t.test("a screenshot of the report is a PNG", async (t) => {
  await desktop.click("#cp-prev");
  const path = join(artifacts, "audit-report-large.png");
  await desktop.screenshot({ path, fullPage: true });
  const png = await readFile(path);
  t.ok(png.length > 10_000, `${path}: ${png.length} bytes`);
  t.same([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
});

t.test("at 375 px wide nothing overflows the window (findings table included)", async (t) => {
  const phone = await open(375, 800);
  const m = await phone.evaluate(() => {
    const g = globalThis as any;
    return { page: g.document.documentElement.scrollWidth as number, viewport: g.innerWidth as number,
      findings: g.document.querySelector("#findings-table").getBoundingClientRect().right as number };
  });
  t.ok(m.page <= m.viewport, `document ${m.page} px ≤ viewport ${m.viewport} px`);
  t.ok(m.findings <= m.viewport, `findings table ends at ${m.findings} px`);
  await phone.screenshot({ path: join(artifacts, "audit-report-375px.png") });
});
