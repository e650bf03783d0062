// The terminal form of an audit report: what was checked, the findings grouped by code with evidence, the verdict.
import type { AuditReport } from "./run.ts";

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
const n = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** What the records' openings showed (PROTOCOL §3): full, erased with evidence, and what lacks it. */
export function openingsLine(r: AuditReport): string {
  const o = r.openings;
  const parts = [`${o.full} full`, `${o.erased} erased (with erasure evidence)`];
  if (o.stubs) parts.push(`${o.stubs} stub${o.stubs === 1 ? "" : "s"} without erasure evidence`);
  if (o.personalErased) parts.push(`${o.personalErased} without personal opening and evidence`);
  if (o.invalid) parts.push(`${o.invalid} whose openings fail`);
  return parts.join(", ");
}

/** Erased records are no finding, but an auditor wants to see which were erased, by whom and why. */
function erasedLines(r: AuditReport, perCode: number): string[] {
  if (r.openings.erased === 0) return [];
  const out = [`ERASED: ${r.openings.erased} (not findings: each has an erasure record signed by a service key, later in the log)`];
  for (const e of r.erased.slice(0, perCode)) {
    out.push(`    ${e.kind} seq ${e.seq} of ${e.device} (leaf ${e.index}), ${e.scope === "body" ? "body" : "personal fields"} erased by leaf ${e.erasure.index} (${e.erasure.signer}): ${show(e.erasure.reason)}, requested by ${e.erasure.requestedBy}`);
  }
  if (r.openings.erased > Math.min(perCode, r.erased.length)) out.push(`    … ${r.openings.erased - Math.min(perCode, r.erased.length)} more (see --json or --html)`);
  return out;
}

export function formatReport(r: AuditReport, opts: { perCode?: number } = {}): string {
  const perCode = opts.perCode ?? 5;
  const s = r.stats;
  const rate = s.analyzeMs > 0 ? Math.round(s.records / ((s.totalMs - s.chainReadMs) / 1000)) : 0;
  const out = [
    `otledger audit — ${r.source}`,
    `  chain ${r.chain.chainId}, LedgerAnchor ${r.chain.contract}: ${r.chain.checkpoints} checkpoints, anchored size ${r.chain.anchoredSize}`,
    r.export ? `  export: ${r.export.scope} scope, leaves [${r.export.range.fromIndex}, ${r.export.range.toIndex}) of ${r.export.treeSize}, registry read at block ${r.export.registryBlock}, protocol ${r.export.protocolVersion}` : "  export: no header",
    `  read: ${n(s.records, "record")}, ${n(s.envelopes, "envelope")}, ${n(s.devices, "device")}, ${n(s.streams, "stream")}, ${s.leaves} leaves`,
    `  openings: ${openingsLine(r)}`,
    `  checked: ${n(s.signaturesVerified, "signature")}, ${n(s.envelopeRootsChecked, "envelope root")}${s.partialEnvelopes ? ` (${s.partialEnvelopes} partial envelopes not rebuildable)` : ""}, ` +
      `${s.checkpointsChecked} checkpoint roots rebuilt${s.checkpointsBeyondExport ? ` (${s.checkpointsBeyondExport} checkpoints beyond the export)` : ""}`,
    `  time: ${Math.round(s.totalMs)} ms total, ${Math.round(s.chainReadMs)} ms chain reads (${rate} records/s without them)`,
  ];
  out.push(...erasedLines(r, perCode));
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
