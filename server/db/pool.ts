// The service's connection pool, acting as the append-only app role.
import pg from "pg";
import { APP_ROLE } from "./migrate.ts";

export type PoolOptions = {
  /** Connection as a login of the app role; preferred. */
  appUrl?: string;
  /** Fallback: the owner connection, which then drops to the app role with SET ROLE on every new connection. */
  ownerUrl: string;
  max: number;
  connectionTimeoutMs?: number;
};

/** bigint columns come back as JS numbers: leaf indexes and sizes stay below 2^53. */
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.appUrl ?? options.ownerUrl,
    max: options.max,
    application_name: "otledger",
    // While the server is down or hung, a request waits at most this long for a connection and then gets a 503
    // (db/unavailable.ts) instead of hanging; keepAlive notices a peer that vanished without closing.
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    keepAlive: true,
  });
  if (options.appUrl === undefined) {
    pool.on("connect", (client) => { client.query(`SET ROLE ${APP_ROLE}`).catch(() => client.release(true)); });
  }
  // Idle clients can error when the server goes away; the pool replaces them. Without a listener this would crash.
  pool.on("error", () => {});
  // A checked-out client has no listener of the pool's: if the server dies between two of its queries (a
  // transaction waiting for its next statement, a paused export), pg emits 'error' on it and, unheard, that ends
  // the process. The owner learns of it from its next query; the pool discards the client on release.
  pool.on("acquire", (client) => { if (!client.listeners("error").includes(ignoreCheckedOutError)) client.on("error", ignoreCheckedOutError); });
  pool.on("release", (_err: Error | undefined, client: pg.PoolClient) => { client.removeListener("error", ignoreCheckedOutError); });
  return pool;
}

function ignoreCheckedOutError(): void {}
