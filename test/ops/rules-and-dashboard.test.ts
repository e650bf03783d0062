// Shape of ops/prometheus/otledger-rules.yml and ops/grafana/otledger.json, checked without Prometheus or
// Grafana: the YAML parses (the repo's yaml parser), every rule says what fires, for how long, how bad and what
// to do; the dashboard's panels have unique ids and queries on the datasource variable. promtool, where
// installed, checks the rules' PromQL too.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import t from "tap";
import { parse } from "yaml";

const root = new URL("../../", import.meta.url);
const rulesFile = new URL("ops/prometheus/otledger-rules.yml", root);
type Rule = { alert?: string; expr?: string; for?: string; labels?: { severity?: string }; annotations?: { summary?: string; description?: string } };
const rules = parse(readFileSync(rulesFile, "utf8"), { uniqueKeys: true }) as { groups: { name: string; rules: Rule[] }[] };

t.test("every alert rule has alert, expr, for, a severity, a summary and what to do", async (t) => {
  t.same(rules.groups.map((g) => g.name), ["otledger-service", "otledger-edge", "otledger-monitor"]);
  const all = rules.groups.flatMap((g) => g.rules);
  const names = all.map((r) => r.alert);
  t.equal(new Set(names).size, names.length, "alert names are unique");
  for (const r of all) {
    const problems = [
      !/^Otledger[A-Z]\w+$/.test(r.alert ?? "") && "alert name",
      !(typeof r.expr === "string" && r.expr.trim().length > 0) && "expr",
      !/^\d+[smh]$/.test(r.for ?? "") && "for (a duration)",
      !["critical", "warning", "info"].includes(r.labels?.severity ?? "") && "labels.severity",
      !(r.annotations?.summary ?? "").trim() && "annotations.summary",
      (r.annotations?.description ?? "").length < 40 && "annotations.description (what to do)",
      // parentheses balance: a cheap catch of a broken expression where promtool is absent
      r.expr !== undefined && [...r.expr].reduce((n, c) => (n < 0 ? n : n + (c === "(" ? 1 : c === ")" ? -1 : 0)), 0) !== 0 && "balanced parentheses",
    ].filter(Boolean);
    t.same(problems, [], `${r.alert}`);
  }
});

t.test("promtool check rules", async (t) => {
  if (spawnSync("sh", ["-c", "command -v promtool"]).status !== 0) {
    t.comment("SKIP promtool check: promtool is not installed here; the structure above is still checked (install prometheus to check PromQL syntax)");
    return;
  }
  t.match(execFileSync("promtool", ["check", "rules", rulesFile.pathname], { encoding: "utf8" }), /SUCCESS/);
});

t.test("the dashboard is importable: unique panel ids, every query on the datasource variable", async (t) => {
  const d = JSON.parse(readFileSync(new URL("ops/grafana/otledger.json", root), "utf8"));
  t.equal(d.uid, "otledger");
  t.ok(d.templating.list.some((v: { name: string; type: string }) => v.name === "datasource" && v.type === "datasource"), "a datasource variable");
  const panels = d.panels as { id: number; type: string; title: string; datasource?: { uid: string }; targets?: { expr: string; refId: string }[] }[];
  t.equal(new Set(panels.map((p) => p.id)).size, panels.length, "panel ids are unique");
  for (const p of panels.filter((p) => p.type !== "row" && p.type !== "text")) {
    t.equal(p.datasource?.uid, "${datasource}", `${p.title}: datasource variable`);
    t.ok((p.targets ?? []).length > 0 && p.targets!.every((x) => x.expr.trim() && x.refId), `${p.title}: queries`);
  }
  const titles = panels.map((p) => p.title).join(" | ");
  for (const topic of [/outcome/i, /latency p50/i, /latency p99/i, /anchoring lag/i, /database/i, /chain/i, /spool depth/i, /delivery outcomes/i, /OPC UA/i, /alarms/i, /monitor/i]) t.match(titles, topic, `a panel on ${topic.source}`);
});
