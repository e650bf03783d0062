// Bytes on disk of one database after VACUUM: the whole database, each table with its indexes and TOAST, each
// table split into heap, TOAST (with its index) and indexes, and each index.
import pg from "pg";

export type TableParts = { heap: number; toast: number; indexes: number };
export type Sizes = { database: number; tables: Record<string, number>; parts: Record<string, TableParts>; indexes: Record<string, number> };

export async function vacuumAndMeasure(url: string): Promise<Sizes> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query("VACUUM (ANALYZE)");
    await c.query("CHECKPOINT");
    const db = await c.query<{ size: string }>("SELECT pg_database_size(current_database()) AS size");
    const t = await c.query<{ name: string; size: string; heap: string; toast: string; indexes: string }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS size, pg_table_size(c.oid) - coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS heap,
              coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast, pg_indexes_size(c.oid) AS indexes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 2 DESC`,
    );
    const i = await c.query<{ name: string; size: string }>(
      "SELECT c.relname AS name, pg_relation_size(c.oid) AS size FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'i' ORDER BY 2 DESC",
    );
    return {
      database: Number(db.rows[0]!.size),
      tables: Object.fromEntries(t.rows.map((r) => [r.name, Number(r.size)])),
      parts: Object.fromEntries(t.rows.map((r) => [r.name, { heap: Number(r.heap), toast: Number(r.toast), indexes: Number(r.indexes) }])),
      indexes: Object.fromEntries(i.rows.map((r) => [r.name, Number(r.size)])),
    };
  } finally {
    await c.end();
  }
}
