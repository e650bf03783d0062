// Reads of LedgerAnchor's device registry: which devices registry events touched in a block range (one
// eth_getLogs for both events), and a device's status at a given block.
import type { ChainConnection } from "./connection.ts";

/** LedgerAnchor v2's KeyRole (enum Device = 0, Service = 1). */
export type KeyRole = "device" | "service";
const KEY_ROLES: readonly KeyRole[] = ["device", "service"];

export type DeviceStatus = { registered: boolean; revoked: boolean; revokedAtCheckpoint: number; revokedAtBlock: number; revokedAtTime: number; metadataHash: string; role: KeyRole };

/** Devices named by DeviceRegistered/DeviceRevoked in blocks [from, to]. */
export async function devicesTouched(chain: ChainConnection, from: number, to: number): Promise<Set<string>> {
  const events = chain.ledger.interface;
  const topics = [events.getEvent("DeviceRegistered")!.topicHash, events.getEvent("DeviceRevoked")!.topicHash];
  const logs = await chain.provider.getLogs({ address: chain.contractAddress, topics: [topics], fromBlock: from, toBlock: to });
  const touched = new Set<string>();
  for (const log of logs) {
    const parsed = events.parseLog(log);
    if (parsed !== null) touched.add(String(parsed.args[0]).toLowerCase());
  }
  return touched;
}

/** deviceStatus(device) at `blockTag` (a block number, or "latest"); keyRole is its trailing field. */
export async function readDeviceStatus(chain: ChainConnection, device: string, blockTag: number | "latest"): Promise<DeviceStatus> {
  const s = await chain.ledger.getFunction("deviceStatus")(device, { blockTag });
  return {
    registered: s.registered as boolean, revoked: s.revoked as boolean, revokedAtCheckpoint: Number(s.revokedAtCheckpoint),
    revokedAtBlock: Number(s.revokedAtBlock), revokedAtTime: Number(s.revokedAtTime), metadataHash: String(s.metadataHash).toLowerCase(),
    role: keyRole(Number(s.keyRole)),
  };
}

function keyRole(n: number): KeyRole {
  const role = KEY_ROLES[n];
  if (role === undefined) throw new Error(`LedgerAnchor answered an unknown keyRole ${n}`);
  return role;
}

/** Registration and revocation only ever move forward on one chain: unknown < registered < revoked. */
export const progress = (s: DeviceStatus): number => (s.revoked ? 2 : s.registered ? 1 : 0);
