// One incremental audit against the export API: read the saved state, stream GET /v1/export?fromIndex=<saved
// size>, audit, and save the new state (atomically) only after a clean run. `otledger audit --state` and
// `otledger monitor` both run this.
import { connectLedgerAnchor } from "../../sdk/ledger-anchor.ts";
import { fetchConsistencyProof } from "../format/consistency-api.ts";
import { openExportStream } from "../format/export-api.ts";
import type { IncrementalReport } from "./report.ts";
import { readState, writeState } from "./state.ts";
import { streamAudit } from "./stream-audit.ts";

export type IncrementalOptions = { api: string; apiKey: string; rpc: string; stateFile: string; chainId?: number; contract?: string; slaMs: number };

export async function runIncrementalAudit(o: IncrementalOptions): Promise<IncrementalReport> {
  const saved = await readState(o.stateFile);
  const fromIndex = saved?.checkpoint.treeSize ?? 0;
  const lines = await openExportStream(o.api, o.apiKey, { fromIndex });
  const { report, state } = await streamAudit({
    lines, state: saved, source: `${o.api} /v1/export${fromIndex > 0 ? `?fromIndex=${fromIndex}` : ""}`, now: Date.now(), slaMs: o.slaMs,
    connect: (header) => connectLedgerAnchor(o.rpc, o.contract ?? header.contract, { expectedChainId: o.chainId ?? header.chainId }),
    proofOf: (from, to) => fetchConsistencyProof(o.api, o.apiKey, from, to),
  });
  if (state !== null && report.stateAdvanced) await writeState(o.stateFile, state);
  return report;
}
