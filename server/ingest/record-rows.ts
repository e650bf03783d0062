// The rows of `records` for a verified v2 envelope, written with COPY (PostgreSQL's fastest bulk path) inside the
// envelope's transaction. A row keeps the header's fields as columns (the JCS text that was hashed is rebuilt from
// them, and the records_header_rebuilds constraint refuses a row whose rebuild does not hash to `hash`), the
// openings (stream descriptor, body, personal) and the query columns taken from the body.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { FullRecord } from "../../core/index.ts";
import type { VerifiedEnvelope } from "./verify.ts";

export const COLUMNS = [
  "device", "seq", "hash", "prev", "stream", "stream_seq", "stream_prev", "kind", "from_ts", "to_ts", "ts", "envelope_id",
  "body_commitment", "stream_name", "stream_salt", "salt", "body", "personal", "personal_salt", "samples", "event_type", "asset",
] as const;

export async function copyRecords(client: pg.PoolClient, envelopeId: number, v: VerifiedEnvelope): Promise<void> {
  const text = v.envelope.records.map((r, i) => rowText(r, v.hashes[i]!, envelopeId)).join("");
  const stream = client.query(copyFrom(`COPY records (${COLUMNS.join(", ")}) FROM STDIN`));
  try {
    await pipeline(Readable.from([text]), stream);
  } catch (err) {
    if ((err as { constraint?: string }).constraint === "records_header_rebuilds") throw new HeaderRebuildError(err as Error);
    throw err;
  }
}

/**
 * A verified record whose header the columns would not rebuild byte for byte: impossible for a valid record (core
 * checked the header is canonical), so it is the service's fault, answered as a 500 and logged as an error (the
 * alarm), and nothing is stored. The message carries PostgreSQL's detail (the failing row).
 */
export class HeaderRebuildError extends Error {
  readonly code = "header_not_rebuilt" as const;
  constructor(cause: Error) {
    super(`a record's header is not rebuilt from its columns (records_header_rebuilds): ${(cause as { detail?: string }).detail ?? cause.message}`, { cause });
  }
}

/** `raw` is COPY text already (bytea); every other string is escaped. */
type Cell = string | number | null | { raw: string };

/** One record's row as COPY text (bench/ingest.bench.ts uses it for its raw COPY baseline). */
export function rowText(r: FullRecord, hash: string, envelopeId: number): string {
  const h = r.header;
  const q = queryColumns(r);
  const cells: Cell[] = [
    bytea(h.device), h.seq, bytea(hash), bytea(h.prev), bytea(h.stream), h.streamSeq, bytea(h.streamPrev), h.kind, pgTimestamp(h.from), pgTimestamp(h.to), pgTimestamp(h.ts), envelopeId,
    bytea(h.body), r.stream.name, bytea(r.stream.salt), bytea(r.salt), JSON.stringify(r.body),
    r.personal === undefined ? null : JSON.stringify(r.personal), bytea(r.personalSalt ?? null), q.samples, q.eventType, q.asset,
  ];
  return cells.map(cell).join("\t") + "\n";
}

/** What the partner API filters on, from the body: a series' sample count (1 for a reading), an event's type and asset. */
function queryColumns(r: FullRecord): { samples: number | null; eventType: string | null; asset: string | null } {
  const b = r.body as { dt?: unknown[]; type?: string; asset?: string | null };
  switch (r.header.kind) {
    case "series": return { samples: b.dt!.length, eventType: null, asset: null };
    case "reading": return { samples: 1, eventType: null, asset: null };
    case "event": return { samples: null, eventType: b.type!, asset: b.asset ?? null };
    default: return { samples: null, eventType: null, asset: null };
  }
}

/**
 * A protocol timestamp as PostgreSQL timestamptz input. The protocol allows years 0000–9999 (proleptic Gregorian,
 * ISO 8601); PostgreSQL has no year 0 and spells it 1 BC, and refuses "0000-…" outright — which would turn a
 * valid record into a 500.
 */
export const pgTimestamp = (ts: string): string => (ts.startsWith("0000-") ? `0001${ts.slice(4)} BC` : ts);

/** A hex value as COPY text of a bytea (`\x…`, its backslash escaped for COPY). */
const bytea = (hex: string | null): Cell => (hex === null ? null : { raw: "\\\\x" + hex.slice(2) });

/** COPY text-format cell: \N for NULL, else escaped (JSON from JSON.stringify has no raw control characters, but be exact anyway). */
function cell(c: Cell): string {
  if (c === null) return "\\N";
  if (typeof c === "number") return String(c);
  if (typeof c === "object") return c.raw;
  return c.replace(/[\\\t\n\r]/g, (ch) => (ch === "\\" ? "\\\\" : ch === "\t" ? "\\t" : ch === "\n" ? "\\n" : "\\r"));
}
