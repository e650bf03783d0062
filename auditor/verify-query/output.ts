// Where `otledger query` writes its rows: always first to a temp file, renamed onto --out (or copied to stdout)
// only once every page has verified, so a failed run leaves no partial output. CSV is RFC 4180 (csv-stringify:
// CRLF, quoting as needed, a UTF-8 BOM so spreadsheets read units like "°C" right); NDJSON is one object a line.
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify/sync";
import { InputError } from "../format/input-error.ts";
import type { Row } from "./rows.ts";

export type OutputFormat = "csv" | "ndjson";

const unwritable = (message: string) => new InputError("output_unwritable", message);

// csv-stringify writes booleans as "1"/"" by default: a Boolean tag's value is spelled out instead.
const cast = { boolean: (v: boolean) => String(v) };

export type RowSink = { write(rows: Row[]): Promise<void>; commit(): Promise<void>; abort(): Promise<void>; readonly rows: number };

export async function openRowSink(format: OutputFormat, columns: readonly string[], out: string | undefined): Promise<RowSink> {
  // The temp file sits beside --out so that the final rename stays on one file system (atomic).
  const target = out === undefined ? undefined : resolve(out);
  const tempDir = await mkdtemp(target === undefined ? join(tmpdir(), "otledger-query-") : join(dirname(target), `.${basename(target)}.`))
    .catch((err: Error) => { throw unwritable(`cannot write beside ${out}: ${err.message}`); });
  const temp = join(tempDir, "rows");
  const stream: WriteStream = createWriteStream(temp, { flags: "wx" });
  const failed = new Promise<never>((_, reject) => stream.once("error", (err) => reject(unwritable(`cannot write ${temp}: ${err.message}`))));
  failed.catch(() => {});
  const put = (text: string) => Promise.race([failed, new Promise<void>((ok) => (stream.write(text) ? ok() : stream.once("drain", () => ok())))]);
  let count = 0;
  if (format === "csv") await put(stringify([], { header: true, columns: [...columns], bom: true, record_delimiter: "windows" }));
  const closed = () => Promise.race([failed, new Promise<void>((ok) => stream.end(() => ok()))]);
  return {
    get rows() { return count; },
    async write(rows) {
      if (rows.length === 0) return;
      count += rows.length;
      await put(format === "csv"
        ? stringify(rows, { columns: [...columns], record_delimiter: "windows", cast })
        : rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    },
    async commit() {
      await closed();
      try {
        if (target !== undefined) await rename(temp, target).catch((err: Error) => { throw unwritable(`cannot write ${out}: ${err.message}`); });
        else await pipeline(createReadStream(temp), process.stdout, { end: false });
      } finally {
        await rm(tempDir, { recursive: true, force: true });
      }
    },
    async abort() {
      stream.destroy();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}
