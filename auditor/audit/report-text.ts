// The terminal form of an audit report: what was checked, the findings grouped by code with evidence, the verdict.
import type { AuditReport } from "./run.ts";

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
const n = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

export function formatReport(r: AuditReport, opts: { perCode?: number } = {}): string {
  const perCode = opts.perCode ?? 5;
  const s = r.stats;
  const rate = s.analyzeMs > 0 ? Math.round(s.records / ((s.totalMs - s.chainReadMs) / 1000)) : 0;
  const out = [
    `otledger audit — ${r.source}`,
    `  chain ${r.chain.chainId}, LedgerAnchor ${r.chain.contract}: ${r.chain.checkpoints} checkpoints, anchored size ${r.chain.anchoredSize}`,
    r.export ? `  export: ${r.export.scope} scope, leaves [${r.export.range.fromIndex}, ${r.export.range.toIndex}) of ${r.export.treeSize}, registry read at block ${r.export.registryBlock}, protocol ${r.export.protocolVersion}` : "  export: no header",
    `  read: ${n(s.records, "record")}, ${n(s.envelopes, "envelope")}, ${n(s.devices, "device")}, ${s.leaves} leaves`,
    `  checked: ${n(s.signaturesVerified, "signature")}, ${n(s.envelopeRootsChecked, "envelope root")}${s.partialEnvelopes ? ` (${s.partialEnvelopes} partial envelopes not rebuildable)` : ""}, ` +
      `${s.checkpointsChecked} checkpoint roots rebuilt${s.checkpointsBeyondExport ? ` (${s.checkpointsBeyondExport} checkpoints beyond the export)` : ""}`,
    `  time: ${Math.round(s.totalMs)} ms total, ${Math.round(s.chainReadMs)} ms chain reads (${rate} records/s without them)`,
  ];
  if (r.totalFindings === 0) {
    out.push("VERDICT: CLEAN — no findings");
    return out.join("\n");
  }
  out.push(`FINDINGS: ${r.totalFindings}`);
  for (const [code, count] of Object.entries(r.counts)) {
    out.push(`  ${code} ×${count}`);
    const shown = r.findings.filter((f) => f.code === code).slice(0, perCode);
    for (const f of shown) {
      out.push(`    ✗ ${f.message}`);
      if (f.expected !== undefined) out.push(`        expected: ${show(f.expected)}`);
      if (f.computed !== undefined) out.push(`        computed: ${show(f.computed)}`);
    }
    if (count! > shown.length) out.push(`    … ${count! - shown.length} more (see --json or --html)`);
  }
  out.push(`VERDICT: FINDINGS — ${Object.keys(r.counts).length} kinds, ${r.totalFindings} in all`);
  return out.join("\n");
}
