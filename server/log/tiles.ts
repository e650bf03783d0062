// C2SP tlog-tiles over the stored tree (docs/PROTOCOL.md §14): tile paths, and tiles read straight from the
// stored perfect subtrees — a level-L tile's hashes are the tree nodes of height 8L (leaves at L = 0, merkle_nodes
// rows above), so one indexed range read per tile, never a rebuild. Only hashes inside the latest anchored tree
// are served, so every root a client rebuilds from tiles can be checked on LedgerAnchor.
import type pg from "pg";
import { leafRange } from "./leaf-store.ts";

export const TILE_WIDTH = 256;
export type TileRef = { level: number; index: number; width: number; partial: boolean };
export type TilePath = { kind: "hashes"; tile: TileRef } | { kind: "entries"; tile: Omit<TileRef, "level"> };

/** `<N>` as zero-padded 3-digit elements, all but the last prefixed with x (1234067 → x001/x234/067). */
export function encodeTileIndex(n: number): string {
  const groups: string[] = [];
  do { groups.unshift(String(n % 1000).padStart(3, "0")); n = Math.floor(n / 1000); } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? "x" + g : g)).join("/");
}

export const tilePath = (t: TileRef): string => `${t.level}/${encodeTileIndex(t.index)}${t.partial ? `.p/${t.width}` : ""}`;

/** Parses `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`; undefined unless it is the one canonical spelling. */
export function parseTilePath(path: string): TilePath | undefined {
  const m = /^(entries|0|[1-9]\d?)\/((?:x\d{3}\/)*\d{3})(?:\.p\/([1-9]\d{0,2}))?$/.exec(path);
  if (m === null) return undefined;
  const index = Number(m[2]!.replaceAll("x", "").replaceAll("/", ""));
  if (!Number.isSafeInteger(index) || encodeTileIndex(index) !== m[2]) return undefined; // no leading x000/ groups
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (width > 255 && m[3] !== undefined) return undefined;
  const tile = { index, width, partial: m[3] !== undefined };
  if (m[1] === "entries") return { kind: "entries", tile };
  const level = Number(m[1]);
  return level > 63 ? undefined : { kind: "hashes", tile: { level, ...tile } };
}

/** Width of the level-L tile `index` in the tree of `size`: 256 if full, 1–255 if partial, 0 if it has no hashes. */
export function tileWidthAt(level: number, index: number, size: number): number {
  const nodes = BigInt(size) >> BigInt(8 * level); // complete nodes of height 8L
  const start = BigInt(index) * 256n;
  if (nodes <= start) return 0;
  return Number(nodes - start >= 256n ? 256n : nodes - start);
}

/** The tile's bytes (width × 32) from the stored nodes, or undefined if the tree of `size` does not hold them. */
export async function readTile(db: Pick<pg.Pool, "query">, t: TileRef, size: number): Promise<Buffer | undefined> {
  const available = tileWidthAt(t.level, t.index, size);
  if (available === 0 || t.width > available || (!t.partial && available < TILE_WIDTH)) return undefined;
  const first = t.index * TILE_WIDTH, end = first + t.width;
  // level 0: leaves are derived from records (leaf-store.ts); heights 8L ≥ 8 are stored in merkle_nodes
  const rows = t.level === 0
    ? await leafRange(db, first, end)
    : (await db.query<{ hash: Buffer }>("SELECT hash FROM merkle_nodes WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx", [8 * t.level, first, end])).rows;
  if (rows.length !== t.width) throw new Error(`tile ${tilePath(t)}: ${rows.length} of ${t.width} stored nodes found below anchored size ${size}`);
  return Buffer.concat(rows.map((r) => r.hash));
}
