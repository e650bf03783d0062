// The device registry as ingest sees it: LedgerAnchor's deviceStatus, kept in memory and followed through
// DeviceRegistered/DeviceRevoked events. Only what was read from the chain is trusted. The devices table is a
// mirror written for readers; a database superuser can rewrite it, so at start it is not believed: the registry
// is rebuilt from the events since the deploy block, and a mirror row no event confirms gets one deviceStatus
// read (and is marked unregistered if the chain does not know it).
//
// Freshness (PROTOCOL §9): ingest awaits catchUp() for every envelope. Concurrent calls share one chain
// head read begun after they arrived, and the registry events up to that head are applied before they return,
// so a revocation mined before an envelope arrived refuses it. One head read (eth_getBlockByNumber) per round
// however many envelopes wait; logs and deviceStatus only when the head moved. While the chain is unreachable,
// or sends no head within headWaitMs, ingest goes on with the state last read.
import type pg from "pg";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import type { ChainConnection } from "./connection.ts";
import { FreshRun } from "./fresh-run.ts";
import { devicesTouched, progress, readDeviceStatus, type DeviceStatus, type KeyRole } from "./registry-events.ts";

export type { DeviceStatus, KeyRole };

export class RegistryUnavailableError extends Error {
  readonly code = "registry_unavailable" as const;
}

export type RegistryOptions = {
  /** How long ingest waits for a fresh chain head before using the state last read. */
  headWaitMs: number;
  /** While the chain is unreachable, ingest retries a head read at most this often. */
  retryMs: number;
  log: { warn(obj: object, msg: string): void };
};

type Head = { number: number; hash: string };
const READ_CONCURRENCY = 16;

export class DeviceRegistry {
  readonly #pool: pg.Pool;
  readonly #chain: ChainConnection;
  readonly #opts: RegistryOptions;
  /** Registered devices as last read from LedgerAnchor. */
  readonly #known = new Map<string, DeviceStatus>();
  /** Rows of the devices table found at start and not yet checked on-chain: never trusted. */
  readonly #unchecked = new Set<string>();
  /** Every registry event up to this block has been applied. */
  #synced: Head | undefined;
  readonly #follow = new FreshRun(() => this.#followHead());
  #reachable = true;
  #lastRetry = 0;

  constructor(pool: pg.Pool, chain: ChainConnection, options: RegistryOptions) {
    this.#pool = pool;
    this.#chain = chain;
    this.#opts = options;
  }

  /** Notes the mirror's rows for checking, then rebuilds from the chain's events (waiting at most headWaitMs). */
  async start(): Promise<void> {
    const rows = await this.#pool.query<{ address: Buffer }>("SELECT address FROM devices WHERE registered");
    for (const r of rows.rows) this.#unchecked.add(bytesToHex(r.address));
    const done = await within(this.sync(), this.#opts.headWaitMs).catch((err: unknown) => {
      this.#opts.log.warn({ err: (err as Error).message }, "device registry: chain unreachable at start; devices are read from it once it answers");
      return true;
    });
    if (!done) this.#reachable = false;
  }

  /** Applies registry events up to the current chain head (the background follower). Throws if unreachable. */
  sync(): Promise<void> {
    return this.#follow.run();
  }

  /**
   * Resolves once the registry reflects a chain head read after this call; at once while the chain is
   * unreachable (a retry is started at most every retryMs); after headWaitMs without a head. Never rejects.
   */
  catchUp(): Promise<void> {
    if (!this.#reachable) {
      if (Date.now() - this.#lastRetry >= this.#opts.retryMs) {
        this.#lastRetry = Date.now();
        this.sync().catch(() => {});
      }
      return Promise.resolve();
    }
    return within(this.sync(), this.#opts.headWaitMs).then((inTime) => { if (!inTime) this.#reachable = false; }, () => {});
  }

  /** Status of a device; one not read from the chain yet is read now. Throws RegistryUnavailableError if that fails. */
  async status(device: string): Promise<DeviceStatus> {
    const known = this.#known.get(device);
    if (known !== undefined) return known;
    try {
      return await this.#refresh(device, "latest", false);
    } catch (err) {
      throw new RegistryUnavailableError(`cannot read the device registry: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Re-reads a device from the chain now (after this service registered or revoked it). Throws if unreachable. */
  learn(device: string): Promise<DeviceStatus> {
    return this.#refresh(device, "latest", false);
  }

  async #followHead(): Promise<void> {
    try {
      await this.#applyUpTo(await this.#block("latest"));
      this.#reachable = true;
    } catch (err) {
      this.#reachable = false;
      throw err;
    }
  }

  async #applyUpTo(head: Head): Promise<void> {
    const synced = this.#synced;
    if (synced?.hash === head.hash) return;
    // Extends what was read, unless the chain went back or forked below it: then everything is read again.
    const extends_ = synced !== undefined && head.number > synced.number && (await this.#block(synced.number)).hash === synced.hash;
    const from = extends_ ? synced.number + 1 : this.#chain.deployBlock;
    const touched = await devicesTouched(this.#chain, from, head.number);
    if (!extends_) for (const d of [...this.#known.keys(), ...this.#unchecked]) touched.add(d);
    const queue = [...touched];
    const worker = async () => { for (let d = queue.pop(); d !== undefined; d = queue.pop()) await this.#refresh(d, head.number, !extends_); };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, queue.length) }, worker));
    this.#synced = head;
  }

  /** Reads deviceStatus at blockTag into memory, then the mirror. Without `rescan`, an older read never undoes a newer one. */
  async #refresh(device: string, blockTag: number | "latest", rescan: boolean): Promise<DeviceStatus> {
    const read = await readDeviceStatus(this.#chain, device, blockTag);
    const known = this.#known.get(device);
    const status = !rescan && known !== undefined && progress(known) > progress(read) ? known : read;
    const wasUnchecked = this.#unchecked.delete(device);
    if (status.registered) {
      this.#known.set(device, status);
      await this.#mirror(device, status);
    } else {
      this.#known.delete(device);
      if (wasUnchecked) {
        this.#opts.log.warn({ device }, "device registry: the devices table lists a device LedgerAnchor does not know; not trusted, marked unregistered");
        await this.#mirror(device, status);
      }
    }
    return status;
  }

  async #mirror(device: string, s: DeviceStatus): Promise<void> {
    await this.#pool.query(
      `INSERT INTO devices (address, registered, revoked, revoked_at_checkpoint, revoked_at_block, revoked_at_time, metadata_hash, role)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (address) DO UPDATE SET registered = $2, revoked = $3, revoked_at_checkpoint = $4, revoked_at_block = $5,
         revoked_at_time = $6, metadata_hash = $7, role = $8, updated_at = now()`,
      [hexToBytes(device), s.registered, s.revoked, s.revoked ? s.revokedAtCheckpoint : null,
        s.revoked ? s.revokedAtBlock : null, s.revoked ? s.revokedAtTime : null, hexToBytes(s.metadataHash), s.role],
    ).catch((err: unknown) => this.#opts.log.warn({ device, err: (err as Error).message }, "device registry: mirror not written"));
  }

  async #block(tag: number | "latest"): Promise<Head> {
    const b = await this.#chain.provider.getBlock(tag);
    if (b === null || b.hash === null) throw new Error(`the chain has no block ${tag}`);
    return { number: b.number, hash: b.hash };
  }
}

/** True if `p` settles within ms (rejects if it rejects), false if it is still running then. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(() => { clearTimeout(timer); resolve(true); }, (err: unknown) => { clearTimeout(timer); reject(err); });
  });
}
