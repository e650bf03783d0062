// Reads a regulator bundle (docs/AUDIT-FORMAT.md §2), .json or .tar.gz, and replays it as export stream lines.
import { createReadStream } from "node:fs";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extract } from "tar";
import { InputError } from "./input-error.ts";
import { readNdjson, type RawLine } from "./ndjson.ts";
import { LEAVES_CHUNK_MAX } from "./lines.ts";

export const JSON_BUNDLE_FORMAT = "otledger.bundle/json-1";
/** Files of a .tar.gz bundle, in replay order. manifest.json holds the header object. */
export const TAR_FILES = ["manifest.json", "devices.ndjson", "checkpoints.ndjson", "records.ndjson", "leaves.ndjson", "end.ndjson"] as const;
export const TAR_VERSION_FILE = "PROTOCOL-VERSION";

async function isGzip(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? "input_not_found" : "input_unreadable", `cannot open bundle ${path}: ${(err as Error).message}`);
  }
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    return head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function* replayTar(path: string): AsyncGenerator<RawLine> {
  const dir = await mkdtemp(join(tmpdir(), "otledger-bundle-"));
  try {
    try {
      await extract({ file: path, cwd: dir, strict: true, filter: (p) => (TAR_FILES as readonly string[]).includes(p) || p === TAR_VERSION_FILE });
    } catch (err) {
      throw new InputError("input_format", `${path} is not a readable tar.gz bundle: ${(err as Error).message}`);
    }
    const manifest = await readFile(join(dir, "manifest.json"), "utf8").catch(() => {
      throw new InputError("input_format", `${path} has no manifest.json: not an otledger bundle`);
    });
    try {
      yield { source: "manifest.json", line: 1, value: { type: "header", ...JSON.parse(manifest) } };
    } catch (err) {
      throw new InputError("input_format", `${path}: manifest.json is not JSON: ${(err as Error).message}`);
    }
    for (const name of TAR_FILES.slice(1)) {
      const stream = createReadStream(join(dir, name));
      const opened = await new Promise<boolean>((resolve) => stream.once("open", () => resolve(true)).once("error", () => resolve(false)));
      if (!opened) continue; // a missing file is reported by the audit (counts in `end`), not here
      yield* readNdjson(stream, name);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type JsonBundle = {
  format: string; header: object; devices?: object[]; checkpoints?: object[]; envelopes?: object[]; records?: object[];
  leaves?: string[];
};

async function* replayJson(path: string): AsyncGenerator<RawLine> {
  let bundle: JsonBundle;
  try {
    bundle = JSON.parse(await readFile(path, "utf8")) as JsonBundle;
  } catch (err) {
    throw new InputError("input_format", `${path} is not JSON: ${(err as Error).message}`);
  }
  if (bundle?.format !== JSON_BUNDLE_FORMAT || typeof bundle.header !== "object") {
    throw new InputError("input_format", `${path} is not an otledger bundle (expected "format": "${JSON_BUNDLE_FORMAT}")`);
  }
  let n = 0;
  const emit = (source: string, type: string, value: object): RawLine => ({ source, line: ++n, value: { ...value, type } });
  yield emit("header", "header", bundle.header);
  for (const d of bundle.devices ?? []) yield emit("devices", "device", d);
  for (const c of bundle.checkpoints ?? []) yield emit("checkpoints", "checkpoint", c);
  for (const e of bundle.envelopes ?? []) yield emit("envelopes", "envelope", e);
  for (const r of bundle.records ?? []) yield emit("records", "record", r);
  const leaves = bundle.leaves ?? [];
  for (let start = 0; start < leaves.length; start += LEAVES_CHUNK_MAX) {
    yield emit("leaves", "leaves", { start, hashes: leaves.slice(start, start + LEAVES_CHUNK_MAX) });
  }
}

/** The bundle's lines in stream order. JSON bundles have no `end` line (a JSON document cannot be truncated). */
export async function openBundle(path: string): Promise<{ lines: AsyncGenerator<RawLine>; expectEnd: boolean }> {
  return (await isGzip(path)) ? { lines: replayTar(path), expectEnd: true } : { lines: replayJson(path), expectEnd: false };
}
