// A ledger of ~1M synthetic records for bench/query.bench.ts and bench/proof.bench.ts: bulk-inserted with SQL
// before the service starts, then integrated into the Merkle tree and anchored by the service's own workers
// (two checkpoints: the first cut at once, the second covering everything).
import pg from "pg";
import { Wallet } from "ethers";
import { migratedDatabase } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { insertBulkRecords } from "./bulk.ts";
import { startApiLedger, type ApiLedger } from "./harness.ts";

export type BenchLedger = { api: ApiLedger; devices: string[]; total: number; log: (msg: string) => void };

export async function startBenchLedger(records: number, log: (msg: string) => void): Promise<BenchLedger> {
  const database = await migratedDatabase();
  const owner = new pg.Pool({ connectionString: database.ownerUrl, max: 2 });
  const devices = [0, 1, 2, 3, 4, 5, 6, 7].map(() => Wallet.createRandom().address.toLowerCase());
  const firstCut = 8192; // the integrator's first batch: the first checkpoint is cut after it
  const total = records + firstCut;
  let t0 = performance.now();
  await insertBulkRecords(owner, { devices, count: total, padding: 200 });
  await owner.query("VACUUM ANALYZE");
  await owner.end();
  log(`bulk insert + analyze: ${Math.round(performance.now() - t0)} ms`);
  t0 = performance.now();
  const api = await startApiLedger({ database, config: { CHECKPOINT_MAX_LEAVES: records, CHECKPOINT_INTERVAL_MS: 3_600_000, ANCHOR_TX_TIMEOUT_MS: 60_000 } });
  await waitFor(async () => (await api.chain.checkpointCount()) >= 2 || undefined, { timeoutMs: 600_000, intervalMs: 1000, what: "the bulk log integrated and anchored" });
  log(`integrated and anchored ${total} leaves: ${Math.round(performance.now() - t0)} ms`);
  for (const [i, d] of devices.entries()) {
    await api.ownerDb.query("INSERT INTO api_devices (address, site, label) VALUES ($1, $2, $3)", [Buffer.from(d.slice(2), "hex"), `plant-${i % 4}`, `device-${i}`]);
  }
  return { api, devices, total, log };
}
