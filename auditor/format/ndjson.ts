// NDJSON in and out: one JSON value per line.
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { once } from "node:events";

/** A line as read: its 1-based number in its source and either the parsed value or why it did not parse. */
export type RawLine = { source: string; line: number; value: unknown } | { source: string; line: number; error: string };

/** Yields each non-empty line of `input` parsed as JSON; a line that is not JSON is yielded as an error, not thrown. */
export async function* readNdjson(input: Readable, source: string): AsyncGenerator<RawLine> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.length === 0) continue;
    try {
      yield { source, line: n, value: JSON.parse(text) };
    } catch (err) {
      yield { source, line: n, error: `not JSON: ${(err as Error).message}` };
    }
  }
}

/** Writes one JSON value per line, honouring back-pressure. */
export async function writeNdjson(out: Writable, value: unknown): Promise<void> {
  if (!out.write(JSON.stringify(value) + "\n")) await once(out, "drain");
}
