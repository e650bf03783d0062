/**
 * Maintenance events from a CMMS export (CSV with a header row). Column names are matched case-insensitively
 * with common aliases, so typical SAP PM / Maximo exports work without editing:
 *   type (maintenance|calibration|inspection|note; default maintenance), asset|equipment|functional_location,
 *   work_order|order|wo, technician|actor|performed_by, text|description|short_text, date|completed|finished_at.
 * Each row becomes an event with source {system: "cmms-csv", ref: <work order or row number>}.
 */
import { parse } from "csv-parse/sync";
import { EventTypeSchema } from "../../core/index.ts";
import type { FlatEvent as EventBody } from "./event-draft.ts";

const ALIASES: { [K in "type" | "asset" | "workOrder" | "actor" | "text" | "at"]: string[] } = {
  type: ["type", "event_type", "kind"],
  asset: ["asset", "equipment", "functional_location", "asset_id", "tag"],
  workOrder: ["work_order", "workorder", "order", "wo", "work_order_id"],
  actor: ["technician", "actor", "performed_by", "user", "engineer"],
  text: ["text", "description", "short_text", "notes", "comment"],
  at: ["date", "completed", "finished_at", "completed_at", "timestamp", "time"],
};

export class CsvImportError extends Error {
  readonly code = "csv_invalid";
  readonly row: number;
  readonly column: string;
  constructor(row: number, column: string, message: string) {
    super(`row ${row}${column ? `, column ${column}` : ""}: ${message}`);
    this.row = row;
    this.column = column;
  }
}

const norm = (s: string) => s.trim().toLowerCase().replace(/[\s-]+/g, "_");

export function parseCmmsCsv(text: string, now: Date = new Date()): { body: EventBody; at: Date }[] {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (err) {
    throw new CsvImportError(0, "", (err as Error).message);
  }
  const header = (rows.shift() ?? []).map(norm);
  const col = (field: keyof typeof ALIASES) => header.findIndex((h) => ALIASES[field].includes(h));
  const idx = { type: col("type"), asset: col("asset"), workOrder: col("workOrder"), actor: col("actor"), text: col("text"), at: col("at") };
  if (idx.text < 0) throw new CsvImportError(1, "text", `no description column (one of ${ALIASES.text.join(", ")})`);
  return rows.map((row, i) => {
    const line = i + 2;
    const get = (j: number) => (j >= 0 && row[j] ? row[j]! : null);
    const type = EventTypeSchema.safeParse((get(idx.type) ?? "maintenance").toLowerCase());
    if (!type.success) throw new CsvImportError(line, "type", `unknown event type ${get(idx.type)}`);
    const rawAt = get(idx.at);
    const at = rawAt ? new Date(rawAt) : now;
    if (Number.isNaN(at.getTime())) throw new CsvImportError(line, "date", `not a date: ${rawAt}`);
    const workOrder = get(idx.workOrder);
    const body: EventBody = {
      type: type.data, asset: get(idx.asset), workOrder, actor: get(idx.actor), text: get(idx.text) ?? "",
      source: { system: "cmms-csv", ref: workOrder ?? `row-${line}` },
    };
    return { body, at };
  });
}
