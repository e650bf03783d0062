/**
 * Metric names in PromQL, and what a /metrics scrape exports: enough to check that a dashboard or a rules
 * file names only metrics the components really export. Not a PromQL parser: it removes what cannot be a
 * metric name (strings, label matchers, ranges, grouping clauses, variables, numbers) and keeps the
 * identifiers that are not functions, keywords or aggregation modifiers.
 */

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"]);

export function metricNames(expr: string): Set<string> {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, " ")     // string literals (regexes in matchers)
    .replace(/\{[^}]*\}/g, " ")                                       // label matchers
    .replace(/\[[^\]]*\]/g, " ")                                      // range and subquery selectors
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ") // grouping label lists
    .replace(/\$\{?\w+\}?/g, " ")                                     // Grafana variables ($__rate_interval, ${x})
    .replace(/\boffset\s+\S+/g, " ");
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, ident, call] = m;
    if (call || KEYWORDS.has(ident!.toLowerCase())) continue;            // functions and aggregations, keywords
    if (/^\d/.test(ident!)) continue;
    names.add(ident!);
  }
  return names;
}

/** Every sample name a scrape can carry: each `# TYPE` family, with _bucket/_sum/_count for histograms and summaries. */
export function exportedNames(scrape: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(name! + s);
    if (type === "summary") for (const s of ["_sum", "_count"]) names.add(name! + s);
  }
  return names;
}

/** Names of the PromQL expressions (and Grafana `label_values(metric, label)` queries) of a dashboard. */
export function dashboardExprs(dashboard: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
    else if (typeof v === "string" && key === "expr") out.push(v);
    else if (typeof v === "string" && (key === "query" || key === "definition") && v.startsWith("label_values(")) out.push(v.replace(/,\s*\w+\)$/, ")").replace(/^label_values/, "last_over_time"));
  };
  walk(dashboard);
  return out;
}
