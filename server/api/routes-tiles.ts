// GET /v1/log/checkpoint, /v1/log/tile/<L>/<N>[.p/<W>], /v1/log/vkey — the log as C2SP tlog-tiles (docs/PROTOCOL.md
// §14), public: leaf hashes are hashes of salted commitments and reveal nothing. No API key, no access record
// (a record per anonymous tile fetch would let anyone grow the log); unauthenticated requests are rate limited per
// client address like every public route. Only the latest anchored tree is served.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import type { NoteKey } from "../log/note-key.ts";
import { parseTilePath, readTile } from "../log/tiles.ts";
import { latestAnchored, type AnchoredCheckpoint } from "./checkpoints-db.ts";
import { ApiError, notFound } from "./errors.ts";
import { apiErrors } from "./schemas-common.ts";

const FULL_TILE_CACHE = "public, max-age=31536000, immutable";
const SHORT_CACHE = "public, max-age=5";
const Binary = z.string().describe("binary");
const Text = z.string();

/** The checkpoint origin and note key name: the LedgerAnchor deployment whose checkpoints the log's are. */
export const logOrigin = (chainId: number, contract: string): string => `otledger/${chainId}/${contract.toLowerCase()}`;

/** tlog-checkpoint note text: origin, tree size, base64 root, each ending in a newline. */
export const checkpointText = (origin: string, c: Pick<AnchoredCheckpoint, "treeSize" | "root">): string =>
  `${origin}\n${c.treeSize}\n${Buffer.from(c.root.slice(2), "hex").toString("base64")}\n`;

// Static, public resources: readable from any origin (helmet's same-origin resource policy is for the API's JSON).
const publicStatic = (reply: FastifyReply, type: string, cache: string) =>
  reply.type(type).header("cache-control", cache).header("access-control-allow-origin", "*").header("cross-origin-resource-policy", "cross-origin");

export function tileRoutes(noteKey: NoteKey): FastifyPluginAsyncZod {
  return async (app) => {
    const { db, chain } = app.ledger;
    const notes = new Map<number, string>(); // tree size -> signed note (one signature per anchored size)

    app.get("/log/checkpoint", {
      schema: {
        tags: ["log"], operationId: "getLogCheckpoint", summary: "The latest anchored checkpoint as a C2SP signed note (tlog-checkpoint, Ed25519)",
        description: "origin otledger/<chainId>/<contract>, tree size, base64 root: the same size and root as LedgerAnchor's checkpoint of that size. Verify with the key of GET /v1/log/vkey (configured out of band).",
        response: { 200: { description: "signed note", content: { "text/plain": { schema: Text } } }, ...apiErrors({ 404: ["not_found"], 429: ["rate_limited"] }) },
      },
    }, async (_request, reply) => {
      const latest = await latestAnchored(db, chain);
      if (latest === undefined) throw notFound("anchored checkpoint");
      let note = notes.get(latest.treeSize);
      if (note === undefined) {
        note = noteKey.signNote(checkpointText(noteKey.name, latest));
        notes.clear();
        notes.set(latest.treeSize, note);
      }
      return publicStatic(reply, "text/plain; charset=utf-8", SHORT_CACHE).send(note);
    });

    app.get("/log/vkey", {
      schema: {
        tags: ["log"], operationId: "getLogVerifierKey", summary: "The checkpoint note's verifier key (C2SP signed-note vkey)",
        response: { 200: { description: "vkey", content: { "text/plain": { schema: Text } } }, ...apiErrors({ 429: ["rate_limited"] }) },
      },
    }, async (_request, reply) => publicStatic(reply, "text/plain; charset=utf-8", SHORT_CACHE).send(noteKey.vkey + "\n"));

    app.get("/log/tile/*", {
      schema: {
        tags: ["log"], operationId: "getLogTile", summary: "A C2SP tlog-tiles hash tile: <L>/<N>[.p/<W>] (entry bundles are not served)",
        description: "Full tiles are immutable (cached a year); partial tiles are short-lived. Tiles exist only inside the latest anchored tree. tile/entries/… answers 404 entries_not_served: the entries are record headers, which only scoped readers see (docs/PROTOCOL.md §14.2).",
        params: z.object({ "*": z.string().describe("<L>/<N>[.p/<W>], e.g. 0/x001/234 or 1/000.p/17") }),
        response: {
          200: { description: "width × 32 bytes of hashes", content: { "application/octet-stream": { schema: Binary } } },
          ...apiErrors({ 400: ["tile_path_invalid"], 404: ["not_found", "entries_not_served"], 429: ["rate_limited"] }),
        },
      },
    }, async (request, reply) => {
      const path = request.params["*"];
      const parsed = parseTilePath(path);
      if (parsed === undefined) throw new ApiError(400, "tile_path_invalid", "expected <L>/<N>[.p/<W>] as in C2SP tlog-tiles (N in 3-digit groups, x-prefixed but the last)", ["*"]);
      if (parsed.kind === "entries") throw new ApiError(404, "entries_not_served", "entry bundles are not public: an entry is a record header (docs/PROTOCOL.md §14.2)", ["*"]);
      const latest = await latestAnchored(db, chain);
      const tile = latest === undefined ? undefined : await readTile(db, parsed.tile, latest.treeSize);
      if (tile === undefined) throw notFound("tile in the latest anchored tree", ["*"]);
      return publicStatic(reply, "application/octet-stream", parsed.tile.partial ? SHORT_CACHE : FULL_TILE_CACHE).send(tile);
    });
  };
}
