// Leader election among replicas on one database: the holder of a session-level PostgreSQL advisory lock runs
// the integrator and the anchorer. The lock lives on a dedicated connection; if that connection dies, the
// lock is gone, so the leader stops its work and competes again.
import pg from "pg";

export const LEADER_LOCK = [0x6f746c03, 0] as const;

export type LeaderWork = { stop(): Promise<void> };
export type LeaderOptions = {
  connectionString: string;
  retryMs: number;
  /** Called when this replica becomes leader; returns the work to stop when it steps down. */
  lead: () => Promise<LeaderWork>;
  log?: (msg: string, data?: object) => void;
};

export class LeaderElection {
  readonly #opts: LeaderOptions;
  #client: pg.Client | undefined;
  #work: LeaderWork | undefined;
  #timer: NodeJS.Timeout | undefined;
  #attempt: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LeaderOptions) {
    this.#opts = options;
  }

  get isLeader(): boolean {
    return this.#work !== undefined;
  }

  start(): void {
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#attempt;
    await this.#stepDown();
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => { this.#attempt = this.#try(); }, ms);
  }

  async #try(): Promise<void> {
    try {
      if (this.#client === undefined) {
        const client = new pg.Client({ connectionString: this.#opts.connectionString, application_name: "otledger-leader", keepAlive: true });
        client.on("error", (err) => { this.#opts.log?.("leader connection lost", { err: err.message }); void this.#stepDown(); });
        await client.connect();
        this.#client = client;
      }
      const res = await this.#client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS ok", [...LEADER_LOCK]);
      if (res.rows[0]?.ok === true && !this.#stopped) {
        this.#opts.log?.("elected leader: running integrator and anchorer");
        this.#work = await this.#opts.lead();
        return; // hold the lock until stop() or the connection dies
      }
    } catch (err) {
      this.#opts.log?.("leader election attempt failed", { err: (err as Error).message });
      await this.#stepDown();
    }
    this.#schedule(this.#opts.retryMs);
  }

  async #stepDown(): Promise<void> {
    const work = this.#work;
    const client = this.#client;
    this.#work = undefined;
    this.#client = undefined;
    if (work !== undefined) await work.stop();
    // Ending the session releases the advisory lock.
    if (client !== undefined) await client.end().catch(() => {});
    if (work !== undefined) this.#schedule(this.#opts.retryMs);
  }
}
