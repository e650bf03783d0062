// What the chain says: anchored checkpoints and the gas each anchor transaction used, read from LedgerAnchor's
// CheckpointAnchored events and their receipts (never from the service).
import { JsonRpcProvider, Network } from "ethers";
import { CHECKPOINT_ANCHORED_TOPIC } from "../../auditor/audit/chain-view.ts";
import { call } from "./api.ts";
import type { DemoLedger } from "./ledger.ts";

export type AnchorFigures = { checkpoints: number; lastTreeSize: number; gas: number[] };

export async function anchorFigures(ledger: DemoLedger): Promise<AnchorFigures> {
  const provider = new JsonRpcProvider(ledger.rpcUrl, Network.from(ledger.chainId), { staticNetwork: true });
  try {
    const logs = await provider.getLogs({ address: ledger.contract, topics: [CHECKPOINT_ANCHORED_TOPIC], fromBlock: ledger.deployBlock, toBlock: "latest" });
    const receipts = await Promise.all([...new Set(logs.map((l) => l.transactionHash))].map((h) => provider.getTransactionReceipt(h)));
    const gas = receipts.map((r) => Number(r?.gasUsed ?? 0));
    let lastTreeSize = 0;
    const last = logs.at(-1);
    if (last !== undefined) lastTreeSize = Number(BigInt("0x" + last.data.slice(2, 66)));
    return { checkpoints: logs.length, lastTreeSize, gas };
  } finally {
    provider.destroy();
  }
}

type Anchoring = { logSize: number; anchoredSize: number; anchoredCheckpoints: number };
export type Anchored = Anchoring & { target: number };

export async function anchoring(ledger: DemoLedger): Promise<Anchoring> {
  const ready = await call(ledger.url, "GET", "/readyz");
  if (ready.body?.anchoring == null) throw new Error(`/readyz has no anchoring status: ${JSON.stringify(ready.body)}`);
  return ready.body.anchoring as Anchoring;
}

/** Waits until the chain holds a checkpoint covering the log as it is now; returns that status. */
export async function waitAnchoredNow(ledger: DemoLedger, timeoutMs = 20_000): Promise<Anchored> {
  const target = (await anchoring(ledger)).logSize;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await anchoring(ledger);
    if (s.anchoredSize >= target) return { ...s, target };
    if (Date.now() > deadline) throw new Error(`anchoring did not reach tree size ${target} within ${timeoutMs} ms (anchored ${s.anchoredSize})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Waits until every leaf of the log is anchored and stays so for a moment (an access record of the previous read
 * may still be committing). An export taken then has no unanchored tail, so no checkpoint anchored after it can
 * cover leaves it holds (see the report: the auditor would count such a later checkpoint as CHECKPOINT_MISSING).
 */
export async function waitFullyAnchored(ledger: DemoLedger, timeoutMs = 20_000): Promise<Anchoring> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await anchoring(ledger);
    if (s.anchoredSize === s.logSize) {
      await new Promise((r) => setTimeout(r, 500));
      const again = await anchoring(ledger);
      if (again.logSize === s.logSize && again.anchoredSize === again.logSize) return again;
    }
    if (Date.now() > deadline) throw new Error(`the log (size ${s.logSize}) was not fully anchored within ${timeoutMs} ms (anchored ${s.anchoredSize})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function gasSummary(gas: number[]): string {
  if (gas.length === 0) return "no anchors";
  const sorted = [...gas].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const fmt = (n: number) => n.toLocaleString("en-US");
  return `median ${fmt(median)} (min ${fmt(sorted[0]!)}, max ${fmt(sorted.at(-1)!)}) over ${gas.length} anchor tx`;
}
