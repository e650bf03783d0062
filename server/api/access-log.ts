// The access log: every partner/auditor read becomes an event record signed with the service's own device key
// and appended to the global log through ingest's own checks and store (verifyEnvelope, storeEnvelope), so
// access history is anchored and verifiable like the data. Concurrent reads are group-committed: one envelope
// per batch, one batch at a time. After a conflict (another replica with the same key) the chain head is reloaded.
// Storage goes through ingest's storeEnvelope (chain continuity, log lock, leaves); ingest's stateless checks
// (verifyEnvelope: signature recovery) are skipped because this process built and signed the envelope with
// core's own functions: every access record is still checked by whoever verifies the log (test/api/access-log).
import { createHash } from "node:crypto";
import type pg from "pg";
import type { Wallet } from "ethers";
import { buildEnvelope, canonicalString, recordHash, type Eip712Domain, type Hex32, type Record as LedgerRecord } from "../../core/index.ts";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import { IngestError } from "../ingest/errors.ts";
import { storeEnvelope } from "../ingest/store.ts";
import type { VerifiedEnvelope } from "../ingest/verify.ts";

export type AccessEntry = { principal: { id: number; name: string; role: string }; route: string; filter: unknown; count: number; at: Date; requestId: string };
/** What an access record's event text holds (JSON). */
export type AccessText = { principalId: number; route: string; filter: unknown; count: number };
export const ACCESS_SOURCE = "otledger-access";

type Waiter = { entry: AccessEntry; resolve: () => void; reject: (err: unknown) => void };
const MAX_BATCH = 500;
const MAX_TEXT = 4096;

export class AccessLog {
  readonly #db: pg.Pool;
  readonly #domain: Eip712Domain;
  readonly #wallet: Wallet;
  readonly #queue: Waiter[] = [];
  #running: Promise<void> | undefined;
  #head: { seq: number; prev: Hex32 | null } | undefined;

  constructor(db: pg.Pool, domain: Eip712Domain, wallet: Wallet) {
    this.#db = db;
    this.#domain = domain;
    this.#wallet = wallet;
  }

  get address(): string {
    return this.#wallet.address.toLowerCase();
  }

  /** Resolves once the access record is committed to the log. */
  append(entry: AccessEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry, resolve, reject });
      this.#kick();
    });
  }

  async close(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  #kick(): void {
    if (this.#running !== undefined) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      try {
        await this.#write(batch.map((w) => w.entry)).catch(async (err: unknown) => {
          if (!(err instanceof IngestError) || err.statusCode !== 409) throw err;
          await this.#write(batch.map((w) => w.entry)); // head reloaded: one retry
        });
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
  }

  async #write(entries: AccessEntry[]): Promise<void> {
    const head = this.#head ?? (await this.#loadHead());
    const records: LedgerRecord[] = [];
    const hashes: Hex32[] = [];
    let { seq, prev } = head;
    for (const e of entries) {
      const record = this.#record(e, seq + 1, prev);
      records.push(record);
      seq += 1;
      prev = recordHash(record);
      hashes.push(prev);
    }
    this.#head = undefined; // unknown until committed
    // TODO(h/api2): v1 records no longer fit the v2 store; access records move to v2 (kind "access", stream "@access").
    const verified = { envelope: buildEnvelope(records, this.#domain, this.#wallet), hashes, canonicals: records.map((r) => canonicalString(r)) } as unknown as VerifiedEnvelope;
    await storeEnvelope(this.#db, verified);
    this.#head = { seq, prev };
  }

  #record(e: AccessEntry, seq: number, prev: Hex32 | null): LedgerRecord {
    const body: AccessText = { principalId: e.principal.id, route: e.route, filter: e.filter, count: e.count };
    let text = JSON.stringify(body);
    if (text.length > MAX_TEXT) {
      const digest = "0x" + createHash("sha256").update(JSON.stringify(e.filter)).digest("hex");
      text = JSON.stringify({ ...body, filter: { truncated: true, sha256: digest } });
    }
    return {
      v: 1, device: this.address, seq, prev, ts: e.at.toISOString(), kind: "event",
      body: { type: "note", asset: null, workOrder: null, actor: `${e.principal.role}:${e.principal.name}`.slice(0, 256), text, source: { system: ACCESS_SOURCE, ref: e.requestId.slice(0, 256) || "-" } },
    };
  }

  async #loadHead(): Promise<{ seq: number; prev: Hex32 | null }> {
    const res = await this.#db.query<{ seq: number; hash: Buffer }>("SELECT seq, hash FROM records WHERE device = $1 ORDER BY seq DESC LIMIT 1", [hexToBytes(this.address)]);
    const r = res.rows[0];
    return r === undefined ? { seq: 0, prev: null } : { seq: Number(r.seq), prev: bytesToHex(r.hash) as Hex32 };
  }
}
