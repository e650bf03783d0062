// NDJSON in and out: one JSON value per line.
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { once } from "node:events";

/**
 * A line as read, with its 1-based number in its source: parsed (`value`), unparseable (`error`), or left as
 * `text` for a record line (`{"type":"record"…`), which the audit parses and hashes on a worker thread.
 */
export type RawLine =
  | { source: string; line: number; value: unknown }
  | { source: string; line: number; error: string }
  | { source: string; line: number; text: string };

export const RECORD_LINE_PREFIX = '{"type":"record"';

/** Parses a line's text; a line that is not JSON becomes an error, not a throw. */
export function parseLine(source: string, line: number, text: string): Exclude<RawLine, { text: string }> {
  try {
    return { source, line, value: JSON.parse(text) };
  } catch (err) {
    return { source, line, error: `not JSON: ${(err as Error).message}` };
  }
}

/** Yields each non-empty line of `input`: record lines as text, every other line parsed. */
export async function* readNdjson(input: Readable, source: string): AsyncGenerator<RawLine> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.length === 0) continue;
    yield text.startsWith(RECORD_LINE_PREFIX) ? { source, line: n, text } : parseLine(source, n, text);
  }
}

/** Writes one JSON value per line, honouring back-pressure. */
export async function writeNdjson(out: Writable, value: unknown): Promise<void> {
  if (!out.write(JSON.stringify(value) + "\n")) await once(out, "drain");
}
