// Record hashes by leaf index, kept on disk until the export's leaves arrive (they come after every record), so
// comparing "the record at leaf i" with "leaf i" costs 36 bytes of temp file per record instead of memory.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ENTRY = 36; // uint32 index + 32-byte hash
const CHUNK = 4096;

export class LeafSpool {
  readonly #dir = mkdtempSync(join(tmpdir(), "otledger-audit-"));
  readonly #file = join(this.#dir, "records.bin");
  #fd = openSync(this.#file, "w+");
  #buf = Buffer.allocUnsafe(ENTRY * CHUNK);
  #used = 0;
  #written = 0;
  #lastIndex = -1;
  // Reading side.
  #readPos = 0;
  #readBuf = Buffer.alloc(0);
  #readAt = 0;

  /** Records must come in ascending leaf order (the export's order); returns false for one that does not. */
  push(index: number, hash: Buffer): boolean {
    if (index <= this.#lastIndex) return false;
    this.#lastIndex = index;
    this.#buf.writeUInt32BE(index, this.#used);
    hash.copy(this.#buf, this.#used + 4);
    this.#used += ENTRY;
    if (this.#used === this.#buf.length) this.#flush();
    return true;
  }

  #flush(): void {
    if (this.#used === 0) return;
    writeSync(this.#fd, this.#buf, 0, this.#used, this.#written);
    this.#written += this.#used;
    this.#used = 0;
  }

  #peekEntry(): { index: number; hash: Buffer } | null {
    if (this.#readAt === this.#readBuf.length) {
      this.#flush();
      if (this.#readPos >= this.#written) return null;
      const buf = Buffer.allocUnsafe(Math.min(ENTRY * CHUNK, this.#written - this.#readPos));
      const n = readSync(this.#fd, buf, 0, buf.length, this.#readPos);
      this.#readPos += n;
      this.#readBuf = buf.subarray(0, n);
      this.#readAt = 0;
    }
    return { index: this.#readBuf.readUInt32BE(this.#readAt), hash: this.#readBuf.subarray(this.#readAt + 4, this.#readAt + ENTRY) };
  }

  /**
   * The record hash spooled for leaf `index`, or null if no record claimed it. Leaves must be asked in ascending
   * order; records spooled below `index` that were never asked are returned through `skipped`.
   */
  take(index: number, skipped: (recordIndex: number) => void): Buffer | null {
    for (;;) {
      const e = this.#peekEntry();
      if (e === null || e.index > index) return null;
      this.#readAt += ENTRY;
      if (e.index === index) return Buffer.from(e.hash);
      skipped(e.index);
    }
  }

  /** Every record left that no leaf was asked for (they claim leaves beyond the log). */
  rest(each: (recordIndex: number) => void): void {
    this.take(Number.MAX_SAFE_INTEGER, each);
  }

  close(): void {
    if (this.#fd !== -1) closeSync(this.#fd);
    this.#fd = -1;
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
