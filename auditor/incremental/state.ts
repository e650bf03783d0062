// The incremental audit's saved state (docs/AUDIT-FORMAT.md §5): where the last clean audit stopped (an anchored
// checkpoint), the compact range of the log at that size, and the heads of every device and stream chain. It is
// all an audit needs to go on from there, and it grows with devices and streams, never with records.
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { InputError } from "../format/input-error.ts";

export const STATE_FORMAT = "otledger.audit-state/1";

const Hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const Address = z.string().regex(/^0x[0-9a-f]{40}$/);
const Count = z.number().int().nonnegative();

export const DeviceHeadSchema = z.object({ seq: Count, hash: Hex32 });
/** `to`: header.to of the stream's last record, ms since epoch (the next one may not start before it). */
export const StreamHeadSchema = z.object({ device: Address, stream: Hex32, streamSeq: Count, hash: Hex32, to: z.number(), name: z.string().nullable() });

export const AuditStateSchema = z.object({
  format: z.literal(STATE_FORMAT),
  chainId: z.number().int().positive(),
  contract: Address,
  /** The anchored checkpoint the state was audited up to. */
  checkpoint: z.object({ index: Count, treeSize: Count, root: Hex32, blockNumber: Count, timestamp: Count }),
  /** core CompactRange.fromFrontier(treeSize, frontier): the frontier hashes in frontierIds order. */
  frontier: z.array(Hex32),
  devices: z.record(Address, DeviceHeadSchema),
  streams: z.array(StreamHeadSchema),
  savedAt: z.string(),
});
export type AuditState = z.infer<typeof AuditStateSchema>;
export type DeviceHead = z.infer<typeof DeviceHeadSchema>;
export type StreamHead = z.infer<typeof StreamHeadSchema>;

/** The saved state, or null when the file does not exist yet (a first audit from the genesis). */
export async function readState(file: string): Promise<AuditState | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new InputError("input_unreadable", `cannot read the audit state ${file}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError("input_format", `${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = AuditStateSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError("input_format", `${file} is not an ${STATE_FORMAT} state: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Atomic: a crash leaves the old state or the new one, never half of one (temp file, fsync, rename, fsync dir). */
export async function writeState(file: string, state: AuditState): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    const fh = await open(tmp, "w", 0o600);
    try {
      await fh.writeFile(JSON.stringify(state) + "\n");
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    const dir = await open(dirname(file), "r");
    try { await dir.sync(); } finally { await dir.close(); }
  } catch (err) {
    await rm(tmp, { force: true });
    throw new InputError("output_unwritable", `cannot write the audit state ${file}: ${(err as Error).message}`);
  }
}
