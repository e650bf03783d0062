// `otledger export-bundle`: pulls the export stream and packs it as a regulator bundle. Checkpoints lacking their
// anchor tx or receipt are completed from the chain (--rpc), so the bundle can be checked with an RPC URL alone.
import { ChainError, connectLedgerAnchor, type LedgerAnchorReader } from "../../sdk/ledger-anchor.ts";
import { writeJsonBundle, writeTarBundle, type BundleLine } from "../format/bundle-write.ts";
import { openExportStream } from "../format/export-api.ts";
import { InputError } from "../format/input-error.ts";
import { ExportLineSchema, type CheckpointLine } from "../format/lines.ts";
import { parseLine, type RawLine } from "../format/ndjson.ts";

export type ExportBundleOptions = { api: string; apiKey: string; from?: string; to?: string; device?: string[]; out: string; rpc?: string };
export type ExportSummary = { out: string; counts: Record<string, number>; completedFromChain: number };

export function bundleKind(out: string): "json" | "tar" {
  if (out.endsWith(".json")) return "json";
  if (out.endsWith(".tar.gz") || out.endsWith(".tgz")) return "tar";
  throw new InputError("input_format", `-o must end in .json, .tar.gz or .tgz, got ${out}`);
}

async function completeCheckpoint(line: CheckpointLine, reader: LedgerAnchorReader | null): Promise<{ line: CheckpointLine; completed: boolean }> {
  if ((line.tx && line.receipt) || !line.txHash) return { line, completed: false };
  if (!reader) throw new InputError("input_format", `checkpoint ${line.index} comes without its anchor tx and receipt: give --rpc URL to read them from the chain`);
  const tx = await reader.anchorTransaction(line.txHash);
  if (!tx?.receipt) throw new ChainError("chain_read_failed", `the chain does not know anchor tx ${line.txHash} of checkpoint ${line.index}`);
  return { line: { ...line, tx: { input: tx.input }, receipt: tx.receipt }, completed: true };
}

async function* validated(raw: AsyncIterable<RawLine>, rpc: string | undefined, summary: ExportSummary): AsyncGenerator<BundleLine> {
  let reader: LedgerAnchorReader | null = null;
  try {
    for await (const read of raw) {
      const r = "text" in read ? parseLine(read.source, read.line, read.text) : read;
      if ("error" in r) throw new InputError("input_format", `export line ${r.line}: ${r.error}`);
      const parsed = ExportLineSchema.safeParse(r.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError("input_format", `export line ${r.line}: ${issue?.path.join(".")}: ${issue?.message}`);
      }
      let line = parsed.data;
      if (line.type === "header" && rpc) reader = await connectLedgerAnchor(rpc, line.contract, { expectedChainId: line.chainId });
      if (line.type === "checkpoint") {
        const done = await completeCheckpoint(line, reader);
        line = done.line;
        if (done.completed) summary.completedFromChain++;
      }
      summary.counts[line.type] = (summary.counts[line.type] ?? 0) + (line.type === "leaves" ? line.hashes.length : 1);
      // Records are stored as received (the parsed copy could differ in key order only, but keep the bytes' source).
      yield (line.type === "record" ? { ...line, record: (r.value as { record: unknown }).record } : line) as BundleLine;
    }
  } finally {
    reader?.close();
  }
}

export async function exportBundleCommand(o: ExportBundleOptions): Promise<ExportSummary> {
  const kind = bundleKind(o.out);
  const q = { receipts: true, ...(o.from === undefined ? {} : { from: o.from }), ...(o.to === undefined ? {} : { to: o.to }), ...(o.device ? { devices: o.device } : {}) };
  const raw = await openExportStream(o.api, o.apiKey, q);
  const summary: ExportSummary = { out: o.out, counts: {}, completedFromChain: 0 };
  const lines = validated(raw, o.rpc, summary);
  await (kind === "json" ? writeJsonBundle(o.out, lines) : writeTarBundle(o.out, lines));
  return summary;
}
