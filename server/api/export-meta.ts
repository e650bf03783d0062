// The small parts of an export: device lines (registry read from the chain at one block, never from our
// table) and anchored checkpoint lines (optionally with the anchor transaction's input and receipt).
import type pg from "pg";
import type { ChainConnection } from "../chain/connection.ts";
import { bytesToHex } from "../db/bytes.ts";
import { listAnchored } from "./checkpoints-db.ts";
import { registryJson } from "./device-status.ts";
import type { Scope } from "./scope.ts";

type Db = Pick<pg.PoolClient, "query">;

export async function exportDevices(db: Db, chain: ChainConnection, scope: Scope, asked: string[] | null, block: number): Promise<object[]> {
  const known = await db.query<{ address: Buffer; label: string | null }>(
    `SELECT k.address, d.label FROM (SELECT address FROM api_devices UNION SELECT address FROM devices UNION SELECT DISTINCT device FROM envelopes) k(address)
     LEFT JOIN api_devices d USING (address) ORDER BY k.address`);
  const out: object[] = [];
  for (const r of known.rows) {
    const address = bytesToHex(r.address);
    if (asked !== null && !asked.includes(address)) continue;
    if (!scope.sees(address)) continue;
    const s = await chain.ledger.getFunction("deviceStatus").staticCall(address, { blockTag: block });
    out.push({ type: "device", address, ...registryJson(s), ...(r.label === null ? {} : { label: r.label }) });
  }
  return out;
}

export async function* exportCheckpoints(db: Db, chain: ChainConnection, receipts: boolean): AsyncGenerator<object> {
  let after = -1;
  for (;;) {
    const page = await listAnchored(db, chain, after, 1000);
    for (const c of page) {
      const lineBase = { type: "checkpoint", index: c.index, treeSize: c.treeSize, root: c.root, txHash: c.txHash, blockNumber: c.blockNumber, anchoredAt: c.anchoredAt };
      yield receipts ? { ...lineBase, ...(await anchorTx(chain, c.txHash)) } : lineBase;
      after = c.index;
    }
    if (page.length < 1000) return;
  }
}

async function anchorTx(chain: ChainConnection, txHash: string): Promise<object> {
  const [tx, receipt] = await Promise.all([chain.provider.getTransaction(txHash), chain.provider.getTransactionReceipt(txHash)]);
  if (tx === null || receipt === null) return {};
  return {
    tx: { input: tx.data.toLowerCase() },
    receipt: {
      status: receipt.status ?? 0, blockHash: receipt.blockHash.toLowerCase(), blockNumber: receipt.blockNumber,
      logs: receipt.logs.map((l) => ({ address: l.address.toLowerCase(), topics: l.topics.map((t) => t.toLowerCase()), data: l.data.toLowerCase(), logIndex: l.index })),
    },
  };
}

