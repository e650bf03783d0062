// Device enrollment: registration on LedgerAnchor (registrar role) plus the device's site and label in
// api_devices, which site-scoped partner grants read. Repeating an enrollment is harmless: one that names the
// same site (and, if it gives one, the same label) answers 200 whoever registered the key. Naming another site
// or label is refused (409): moving a device changes what partners see, so it is an explicit update().
// Operations on one address are serialised in this process; across replicas the api_devices row is claimed
// atomically (INSERT … ON CONFLICT DO NOTHING) and a registration that lost the race counts as registered.
import type pg from "pg";
import { ZeroHash } from "ethers";
import type { DeviceRegistry, DeviceStatus } from "../chain/registry.ts";
import { hexToBytes } from "../db/bytes.ts";
import { ApiError } from "./errors.ts";
import { KeyedLock } from "./keyed-lock.ts";
import { RegistryRevert, type Registrar, type TxOutcome } from "./registrar.ts";

export type EnrolledDevice = { address: string; site: string; label: string | null };
export type EnrollRequest = { address: string; site: string; label?: string; metadataHash?: string };
/** `created`: this request created the enrollment (exactly one of concurrent identical requests). */
export type EnrollOutcome = { created: boolean; device: EnrolledDevice; registry: DeviceStatus; tx: TxOutcome | null };
/** `label: null` removes the label; an absent field stays as it is. */
export type DeviceChange = { site?: string; label?: string | null };

export class Enrollment {
  readonly #db: pg.Pool;
  readonly #registry: DeviceRegistry;
  readonly #registrar: Registrar;
  readonly #locks = new KeyedLock();

  constructor(db: pg.Pool, registry: DeviceRegistry, registrar: Registrar) {
    this.#db = db;
    this.#registry = registry;
    this.#registrar = registrar;
  }

  enroll(req: EnrollRequest): Promise<EnrollOutcome> {
    return this.#locks.run(req.address, async () => {
      const before = await this.#onChain(req.address);
      if (before.revoked) throw new ApiError(409, "device_revoked", `device ${req.address} was revoked on-chain; use a new key`, ["address"]);
      const metadataHash = req.metadataHash?.toLowerCase();
      if (before.registered && metadataHash !== undefined && metadataHash !== before.metadataHash) {
        throw new ApiError(409, "device_metadata_conflict", `device ${req.address} is registered with another metadata hash (it cannot change on-chain)`, ["metadataHash"], { registered: before.metadataHash });
      }
      const { created, device } = await this.#claim(req);
      let tx: TxOutcome | null = null;
      if (!before.registered) {
        tx = await this.#registrar.register(req.address, metadataHash ?? ZeroHash).catch(async (err: unknown) => {
          if (await this.#lostRace(err, req.address, (s) => s.registered)) return null; // registered by someone else meanwhile
          throw err;
        });
      }
      return { created, device, registry: await this.#onChain(req.address), tx };
    });
  }

  /** Revokes on-chain; the registry has the revocation before this returns (ingest refuses the device from then on). */
  revoke(address: string): Promise<{ registry: DeviceStatus; tx: TxOutcome | null }> {
    return this.#locks.run(address, async () => {
      const before = await this.#onChain(address);
      if (!before.registered) throw new ApiError(404, "device_not_enrolled", `device ${address} is not registered`, ["address"]);
      let tx: TxOutcome | null = null;
      if (!before.revoked) {
        tx = await this.#registrar.revoke(address).catch(async (err: unknown) => {
          if (await this.#lostRace(err, address, (s) => s.revoked)) return null;
          throw err;
        });
      }
      return { registry: await this.#onChain(address), tx };
    });
  }

  /** Changes an enrolled device's site and/or label; returns both versions (for the admin log). */
  update(address: string, change: DeviceChange): Promise<{ before: EnrolledDevice; after: EnrolledDevice }> {
    return this.#locks.run(address, async () => {
      const res = await this.#db.query<{ old_site: string; old_label: string | null; site: string; label: string | null }>(
        `WITH old AS (SELECT site, label FROM api_devices WHERE address = $1 FOR UPDATE)
         UPDATE api_devices d SET site = coalesce($2, old.site), label = CASE WHEN $3 THEN $4 ELSE old.label END
         FROM old WHERE d.address = $1
         RETURNING old.site AS old_site, old.label AS old_label, d.site, d.label`,
        [hexToBytes(address), change.site ?? null, change.label !== undefined, change.label ?? null]);
      const row = res.rows[0];
      if (row === undefined) throw new ApiError(404, "device_not_enrolled", `device ${address} is not enrolled`, ["address"]);
      return { before: { address, site: row.old_site, label: row.old_label }, after: { address, site: row.site, label: row.label } };
    });
  }

  /** Creates the enrollment row, or checks that the existing one says the same. */
  async #claim(req: EnrollRequest): Promise<{ created: boolean; device: EnrolledDevice }> {
    const address = hexToBytes(req.address);
    const inserted = await this.#db.query("INSERT INTO api_devices (address, site, label) VALUES ($1, $2, $3) ON CONFLICT (address) DO NOTHING", [address, req.site, req.label ?? null]);
    if (inserted.rowCount === 1) return { created: true, device: { address: req.address, site: req.site, label: req.label ?? null } };
    const existing = (await this.#db.query<{ site: string; label: string | null }>("SELECT site, label FROM api_devices WHERE address = $1", [address])).rows[0]!;
    const change = "; to change it use PATCH /v1/admin/devices/{address} (otledger device update)";
    if (existing.site !== req.site) {
      throw new ApiError(409, "device_site_conflict", `device ${req.address} is enrolled at site ${existing.site}${change}`, ["site"], { enrolledSite: existing.site });
    }
    if (req.label !== undefined && req.label !== existing.label) {
      throw new ApiError(409, "device_label_conflict", `device ${req.address} is enrolled with label ${JSON.stringify(existing.label)}${change}`, ["label"], { enrolledLabel: existing.label });
    }
    return { created: false, device: { address: req.address, site: existing.site, label: existing.label } };
  }

  /**
   * Whether a failed transaction lost a race to another registrar transaction (another replica, or the
   * registrar key used directly): the revert says so, or the chain now shows the wanted state anyway (two
   * replicas sending at one nonce: "nonce too low").
   */
  async #lostRace(err: unknown, address: string, done: (s: DeviceStatus) => boolean): Promise<boolean> {
    if (err instanceof RegistryRevert && (err.code === "device_already_registered" || err.code === "device_already_revoked")) return true;
    if (!(err instanceof ApiError) || err.code !== "chain_unavailable") return false;
    return done(await this.#registry.learn(address).catch(() => ({ registered: false, revoked: false }) as DeviceStatus));
  }

  async #onChain(address: string): Promise<DeviceStatus> {
    try {
      return await this.#registry.learn(address);
    } catch (err) {
      throw new ApiError(503, "chain_unavailable", `cannot read the device registry: ${(err as { shortMessage?: string }).shortMessage ?? (err as Error).message}`, ["address"]);
    }
  }
}
