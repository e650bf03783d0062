// The anchoring: the chain's checkpoint history is whole and growing, each anchor tx proves consistency with the
// previous checkpoint, and the service's stored checkpoints (and bundled receipts) agree with the chain.
import { verifyConsistency } from "../../core/index.ts";
import { ledgerAnchorInterface, type AnchorTransaction, type ChainCheckpoint } from "../../sdk/ledger-anchor.ts";
import { CHECKPOINT_ANCHORED_TOPIC, type ChainView } from "./chain-view.ts";
import type { Collected } from "./collect.ts";
import type { FindingLog } from "./findings.ts";
import { checkSuccession } from "./check-succession.ts";

export function checkChainHistory(chain: ChainView, findings: FindingLog): void {
  chain.checkpoints.forEach((cp, i) => {
    const prev = chain.checkpoints[i - 1];
    if (cp === undefined || cp.index !== i) {
      findings.add({ code: "CHECKPOINT_HISTORY_HOLE", message: `checkpoint ${i} is missing from the contract's history`, checkpoint: i });
    } else if (prev && cp.treeSize <= prev.treeSize) {
      findings.add({ code: "CHECKPOINT_HISTORY_HOLE", message: `checkpoint ${i} does not grow the log (${prev.treeSize} → ${cp.treeSize})`,
        checkpoint: i, expected: `> ${prev.treeSize}`, computed: cp.treeSize });
    }
  });
}

function checkAnchorTx(chain: ChainView, cp: ChainCheckpoint, prev: ChainCheckpoint | undefined, tx: AnchorTransaction | null | undefined, findings: FindingLog): void {
  const mismatch = (message: string, expected?: unknown, computed?: unknown) =>
    findings.add({ code: "ANCHOR_TX_MISMATCH", message: `checkpoint ${cp.index}: ${message}`, checkpoint: cp.index, expected, computed });
  if (tx === undefined) return; // anchor transactions were not read
  if (tx === null) return mismatch(`no CheckpointAnchored(${cp.index}) event in block ${cp.blockNumber}`);
  if (tx.to !== chain.contract) return mismatch("the anchor tx was not sent to the ledger contract", chain.contract, tx.to);
  if (tx.receipt?.status !== 1) return mismatch("the anchor tx did not succeed", 1, tx.receipt?.status);
  let args: { treeSize: bigint; root: string; consistencyProof: string[] };
  try {
    const parsed = ledgerAnchorInterface.parseTransaction({ data: tx.input });
    if (parsed?.name !== "anchor") return mismatch("the tx that emitted the event is not a call to anchor()", "anchor", parsed?.name);
    args = parsed.args as unknown as typeof args;
  } catch (err) {
    return mismatch(`the anchor tx input does not decode: ${(err as Error).message}`);
  }
  if (Number(args.treeSize) !== cp.treeSize || args.root.toLowerCase() !== cp.root) {
    return mismatch("the anchor() arguments differ from the stored checkpoint", { treeSize: cp.treeSize, root: cp.root }, { treeSize: Number(args.treeSize), root: args.root });
  }
  const proof = [...args.consistencyProof].map((h) => h.toLowerCase());
  try {
    if (prev === undefined) {
      if (proof.length !== 0) throw new Error(`the first checkpoint carries a ${proof.length}-hash proof`);
    } else {
      verifyConsistency(prev.treeSize, cp.treeSize, proof, prev.root, cp.root);
    }
  } catch (err) {
    const e = err as Error & { expected?: unknown; computed?: unknown };
    findings.add({ code: "CHECKPOINT_INCONSISTENT", message: `checkpoint ${cp.index}: the consistency proof in its anchor tx does not extend checkpoint ${cp.index - 1}: ${e.message}`,
      checkpoint: cp.index, expected: e.expected, computed: e.computed });
  }
}

/** Stored checkpoints (export lines) against the chain: every chain checkpoint listed, equal, and its receipt genuine. */
function checkStoredCheckpoints(c: Collected, chain: ChainView, findings: FindingLog): void {
  const stored = new Map(c.checkpoints.map((line) => [line.index, line]));
  const exportSize = c.header?.treeSize ?? c.leafCount;
  for (const cp of chain.checkpoints) {
    const line = stored.get(cp.index);
    if (!line) {
      // A checkpoint anchored after the export's registry snapshot cannot be in it; its root is still checked
      // against the exported leaves (check-log.ts), so only an omission from the snapshot is a finding.
      const anchoredAfterExport = c.header !== null && cp.blockNumber > c.header.registryBlock;
      if (cp.treeSize <= exportSize && !anchoredAfterExport) findings.add({ code: "CHECKPOINT_MISSING", message: `checkpoint ${cp.index} (size ${cp.treeSize}) is on chain but not in the export`, checkpoint: cp.index, expected: cp });
      continue;
    }
    const diff = (["treeSize", "root", "blockNumber"] as const).filter((k) => line[k] !== null && line[k] !== cp[k]);
    if (diff.length) {
      findings.add({ code: "CHECKPOINT_STORED_MISMATCH", message: `checkpoint ${cp.index}: the service's stored ${diff.join(", ")} differ from the chain`,
        checkpoint: cp.index, expected: Object.fromEntries(diff.map((k) => [k, cp[k]])), computed: Object.fromEntries(diff.map((k) => [k, line[k]])) });
    }
    const tx = chain.anchorTxs.get(cp.index);
    if (tx && line.txHash && line.txHash !== tx.txHash) {
      findings.add({ code: "ANCHOR_TX_MISMATCH", message: `checkpoint ${cp.index}: the stored anchor tx is not the one that anchored it`, checkpoint: cp.index, expected: tx.txHash, computed: line.txHash });
    }
    if (tx?.receipt && line.receipt) {
      const r = line.receipt;
      const event = r.logs.some((l) => l.address === chain.contract && l.topics[0] === CHECKPOINT_ANCHORED_TOPIC && BigInt(l.topics[1] ?? -1) === BigInt(cp.index));
      if (r.blockHash !== tx.receipt.blockHash || r.blockNumber !== tx.receipt.blockNumber || r.status !== tx.receipt.status || !event) {
        findings.add({ code: "ANCHOR_TX_MISMATCH", message: `checkpoint ${cp.index}: the bundled receipt differs from the chain's`, checkpoint: cp.index,
          expected: { blockHash: tx.receipt.blockHash, blockNumber: tx.receipt.blockNumber, status: tx.receipt.status, event: true },
          computed: { blockHash: r.blockHash, blockNumber: r.blockNumber, status: r.status, event } });
      }
    }
  }
  for (const line of c.checkpoints) {
    if (line.index >= chain.checkpoints.length) {
      findings.add({ code: "CHECKPOINT_MISSING", message: `the export lists checkpoint ${line.index}, which the chain does not have (it has ${chain.checkpoints.length})`,
        checkpoint: line.index, expected: `< ${chain.checkpoints.length}`, computed: line.index });
    }
  }
}

export function checkAnchoring(c: Collected, chain: ChainView, findings: FindingLog): void {
  const h = c.header;
  if (h && (h.chainId !== chain.chainId || h.contract !== chain.contract)) {
    findings.add({ code: "EXPORT_CHAIN_MISMATCH", message: "the export names another chain or contract than the one audited",
      expected: { chainId: chain.chainId, contract: chain.contract }, computed: { chainId: h.chainId, contract: h.contract } });
  }
  checkChainHistory(chain, findings);
  checkSuccession(chain, findings);
  chain.checkpoints.forEach((cp, i) => checkAnchorTx(chain, cp, chain.checkpoints[i - 1], chain.anchorTxs.get(cp.index), findings));
  checkStoredCheckpoints(c, chain, findings);
}
