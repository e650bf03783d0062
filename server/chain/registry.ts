// The device registry as seen by ingest: LedgerAnchor's deviceStatus, cached in memory and in the devices
// table, refreshed from DeviceRegistered/DeviceRevoked events. A device not in the cache is looked up on-chain
// directly, so a freshly enrolled device is accepted at once.
import type pg from "pg";
import { EventLog } from "ethers";
import type { ChainConnection } from "./connection.ts";
import { hexToBytes, bytesToHex } from "../db/bytes.ts";

export type DeviceStatus = { registered: boolean; revoked: boolean; revokedAtCheckpoint: number; revokedAtBlock: number; revokedAtTime: number; metadataHash: string };

export class RegistryUnavailableError extends Error {
  readonly code = "registry_unavailable" as const;
}

export class DeviceRegistry {
  readonly #pool: pg.Pool;
  readonly #chain: ChainConnection;
  readonly #cache = new Map<string, DeviceStatus>();
  #scannedTo: number;

  constructor(pool: pg.Pool, chain: ChainConnection) {
    this.#pool = pool;
    this.#chain = chain;
    this.#scannedTo = chain.deployBlock - 1;
  }

  /** Loads the persisted mirror (usable while the chain is down). */
  async load(): Promise<void> {
    const res = await this.#pool.query<{ address: Buffer; registered: boolean; revoked: boolean; revoked_at_checkpoint: number | null; revoked_at_block: number | null; revoked_at_time: number | null; metadata_hash: Buffer }>("SELECT * FROM devices");
    for (const r of res.rows) {
      this.#cache.set(bytesToHex(r.address), {
        registered: r.registered, revoked: r.revoked, revokedAtCheckpoint: r.revoked_at_checkpoint ?? 0,
        revokedAtBlock: r.revoked_at_block ?? 0, revokedAtTime: r.revoked_at_time ?? 0, metadataHash: bytesToHex(r.metadata_hash),
      });
    }
  }

  /** Applies registry events since the last scan; throws if the chain is unreachable. */
  async sync(): Promise<void> {
    const latest = await this.#chain.provider.getBlockNumber();
    if (latest < this.#scannedTo) this.#scannedTo = this.#chain.deployBlock - 1; // the chain went back: rescan
    if (latest === this.#scannedTo) return;
    const from = this.#scannedTo + 1;
    const ledger = this.#chain.ledger;
    const [registered, revoked] = await Promise.all([
      ledger.queryFilter(ledger.filters.DeviceRegistered!(), from, latest),
      ledger.queryFilter(ledger.filters.DeviceRevoked!(), from, latest),
    ]);
    const touched = new Set<string>();
    for (const ev of [...registered, ...revoked]) {
      if (ev instanceof EventLog) touched.add(String(ev.args[0]).toLowerCase());
    }
    for (const device of touched) await this.#refresh(device);
    this.#scannedTo = latest;
  }

  /** Status of a device; unknown ones are read from the chain. Throws RegistryUnavailableError if that fails. */
  async status(device: string): Promise<DeviceStatus> {
    const cached = this.#cache.get(device);
    if (cached !== undefined) return cached;
    try {
      return await this.#refresh(device);
    } catch (err) {
      throw new RegistryUnavailableError(`cannot read the device registry: ${(err as Error).message}`, { cause: err });
    }
  }

  async #refresh(device: string): Promise<DeviceStatus> {
    const s = await this.#chain.ledger.getFunction("deviceStatus")(device);
    const status: DeviceStatus = {
      registered: s.registered, revoked: s.revoked, revokedAtCheckpoint: Number(s.revokedAtCheckpoint),
      revokedAtBlock: Number(s.revokedAtBlock), revokedAtTime: Number(s.revokedAtTime), metadataHash: String(s.metadataHash).toLowerCase(),
    };
    if (status.registered) {
      await this.#pool.query(
        `INSERT INTO devices (address, registered, revoked, revoked_at_checkpoint, revoked_at_block, revoked_at_time, metadata_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (address) DO UPDATE SET registered = $2, revoked = $3, revoked_at_checkpoint = $4, revoked_at_block = $5,
           revoked_at_time = $6, metadata_hash = $7, updated_at = now()`,
        [hexToBytes(device), status.registered, status.revoked, status.revoked ? status.revokedAtCheckpoint : null,
          status.revoked ? status.revokedAtBlock : null, status.revoked ? status.revokedAtTime : null, hexToBytes(status.metadataHash)],
      );
      this.#cache.set(device, status);
    } else {
      this.#cache.delete(device);
    }
    return status;
  }
}
