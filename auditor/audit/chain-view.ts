// Everything the audit needs from the chain, read up front: a few reads per checkpoint and per device, none per record.
import { id as topicOf } from "ethers";
import type { AnchorTransaction, ChainCheckpoint, ChainDeviceStatus, DeviceRegistration, LedgerAnchorReader, Succession } from "../../sdk/ledger-anchor.ts";
import type { Collected } from "./collect.ts";

export type ChainView = {
  chainId: number;
  contract: string;
  /** checkpointAt(0 … count-1), pinned to one block. */
  checkpoints: ChainCheckpoint[];
  /** deviceStatus of every device that appears in the export (snapshot lines, envelopes, records). */
  devices: Map<string, ChainDeviceStatus>;
  /** Per checkpoint index: the tx that emitted CheckpointAnchored(index) as the chain has it (null if not found). */
  anchorTxs: Map<number, AnchorTransaction | null>;
  /** Every DeviceRegistered event from the contract's deploy block to the block read: the devices that exist. */
  registrations: DeviceRegistration[];
  /** LedgerAnchor v2 successor(): null while the contract is not retired. */
  succession: Succession | null;
};

export const CHECKPOINT_ANCHORED_TOPIC = topicOf("CheckpointAnchored(uint256,uint64,bytes32)");
const indexTopic = (index: number) => "0x" + index.toString(16).padStart(64, "0");

/** The tx of CheckpointAnchored(index), looked up in the block the contract recorded for that checkpoint. */
export async function findAnchorTx(reader: LedgerAnchorReader, cp: ChainCheckpoint): Promise<AnchorTransaction | null> {
  const logs = await reader.provider.getLogs({
    address: reader.contract, topics: [CHECKPOINT_ANCHORED_TOPIC, indexTopic(cp.index)], fromBlock: cp.blockNumber, toBlock: cp.blockNumber,
  });
  const log = logs[0];
  return log ? reader.anchorTransaction(log.transactionHash) : null;
}

async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export async function loadChainView(
  reader: LedgerAnchorReader,
  collected: Collected,
  opts: { anchorTxs?: boolean; onProgress?: (what: string, done: number, total: number) => void } = {},
): Promise<ChainView> {
  const latest = await reader.blockNumber();
  const registrations = await reader.deviceRegistrations(await reader.deployBlock(latest), latest);
  const checkpoints = await reader.checkpointHistory({ onProgress: (d, t) => opts.onProgress?.("checkpoints", d, t) });
  const succession = await reader.succession();
  const addresses = new Set<string>(collected.devices.keys());
  for (const e of collected.envelopes.values()) addresses.add(e.header.device);
  for (const r of collected.records) addresses.add(r.device);
  for (const r of registrations) addresses.add(r.device);
  const devices = new Map<string, ChainDeviceStatus>();
  await inPool([...addresses], 8, async (a) => { devices.set(a, await reader.deviceStatus(a)); });
  const anchorTxs = new Map<number, AnchorTransaction | null>();
  if (opts.anchorTxs !== false) {
    let done = 0;
    await inPool(checkpoints, 4, async (cp) => {
      anchorTxs.set(cp.index, await findAnchorTx(reader, cp));
      opts.onProgress?.("anchor transactions", ++done, checkpoints.length);
    });
  }
  return { chainId: reader.chainId, contract: reader.contract, checkpoints, devices, anchorTxs, registrations, succession };
}
