// Writes a regulator bundle (docs/AUDIT-FORMAT.md §2) from export stream lines: .tar.gz of NDJSON files
// (streamed, constant memory) or one .json document.
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { create } from "tar";
import { InputError } from "./input-error.ts";
import { JSON_BUNDLE_FORMAT, TAR_FILES, TAR_VERSION_FILE } from "./bundle-read.ts";
import { writeNdjson } from "./ndjson.ts";

/** One stream line (already validated) to store; `type` says where it goes. */
export type BundleLine = { type: string } & Record<string, unknown>;

const FILE_OF: Record<string, (typeof TAR_FILES)[number]> = {
  device: "devices.ndjson", checkpoint: "checkpoints.ndjson", envelope: "records.ndjson", record: "records.ndjson", leaves: "leaves.ndjson", end: "end.ndjson",
};
const withoutType = ({ type: _type, ...rest }: BundleLine) => rest;

export async function writeTarBundle(out: string, lines: AsyncIterable<BundleLine>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "otledger-export-"));
  const streams = new Map<string, WriteStream>();
  try {
    let header: BundleLine | null = null;
    for await (const line of lines) {
      if (line.type === "header") {
        header = line;
        continue;
      }
      const name = FILE_OF[line.type];
      if (!name) continue;
      let stream = streams.get(name);
      if (!stream) streams.set(name, (stream = createWriteStream(join(dir, name))));
      await writeNdjson(stream, line);
    }
    if (!header) throw new InputError("input_format", "the export had no header line");
    await writeFile(join(dir, "manifest.json"), JSON.stringify(withoutType(header), null, 2));
    await writeFile(join(dir, TAR_VERSION_FILE), String(header.protocolVersion) + "\n");
    for (const s of streams.values()) {
      s.end();
      await finished(s);
    }
    const files = [...TAR_FILES.filter((f) => f === "manifest.json" || streams.has(f)), TAR_VERSION_FILE];
    await create({ gzip: true, file: out, cwd: dir, portable: true }, files).catch((err: Error) => {
      throw new InputError("output_unwritable", `cannot write ${out}: ${err.message}`);
    });
  } finally {
    for (const s of streams.values()) s.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writeJsonBundle(out: string, lines: AsyncIterable<BundleLine>): Promise<void> {
  const doc = { format: JSON_BUNDLE_FORMAT, header: null as unknown, devices: [] as unknown[], checkpoints: [] as unknown[], envelopes: [] as unknown[], records: [] as unknown[], leaves: [] as string[] };
  for await (const line of lines) {
    switch (line.type) {
      case "header": doc.header = withoutType(line); break;
      case "device": doc.devices.push(withoutType(line)); break;
      case "checkpoint": doc.checkpoints.push(withoutType(line)); break;
      case "envelope": doc.envelopes.push(withoutType(line)); break;
      case "record": doc.records.push(withoutType(line)); break;
      case "leaves": doc.leaves.push(...(line.hashes as string[])); break;
    }
  }
  if (!doc.header) throw new InputError("input_format", "the export had no header line");
  await writeFile(out, JSON.stringify(doc)).catch((err: Error) => {
    throw new InputError("output_unwritable", `cannot write ${out}: ${err.message}`);
  });
}
