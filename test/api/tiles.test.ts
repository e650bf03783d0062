// The log as C2SP tlog-tiles (PROTOCOL §14), checked by a client written here from the specs alone (tlog-tiles,
// signed-note, tlog-checkpoint; tree math from the test's own RFC 9162 reference, nothing from core): it verifies
// the checkpoint note's Ed25519 signature with a key it knows out of band, fetches the tiles, rebuilds the root,
// checks one record's inclusion, and finds the same size and root on LedgerAnchor. Then the HTTP contract: no
// key needed, no access record written, cache headers, canonical paths only, no entry bundles.
import t from "tap";
import { createHash, createPrivateKey, createPublicKey, randomBytes, verify } from "node:crypto";
import { refNode, refPath, refRoot } from "../contracts/rfc9162-reference.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

// --- the tiles-only client (from the specs) ---
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest();
/** tlog-tiles: N in zero-padded 3-digit elements, all but the last prefixed with x. */
function tileIndexPath(n: number): string {
  const parts = [String(n % 1000).padStart(3, "0")];
  for (n = Math.floor(n / 1000); n > 0; n = Math.floor(n / 1000)) parts.unshift("x" + String(n % 1000).padStart(3, "0"));
  return parts.join("/");
}
const tileUrl = (level: number, n: number, width: number) => `tile/${level}/${tileIndexPath(n)}${width < 256 ? `.p/${width}` : ""}`;
/** signed-note: text up to the last blank line; signature lines "— name base64(keyID ‖ sig)"; Ed25519 is type 0x01. */
function openNote(note: string, name: string, publicKey: Buffer): string | undefined {
  const cut = note.lastIndexOf("\n\n");
  const text = note.slice(0, cut + 1);
  const keyId = sha256(Buffer.concat([Buffer.from(name), Buffer.from([0x0a, 0x01]), publicKey])).subarray(0, 4);
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: publicKey.toString("base64url") }, format: "jwk" });
  for (const line of note.slice(cut + 2).split("\n").filter((l) => l !== "")) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (m === null) return undefined;
    const sig = Buffer.from(m[2]!, "base64");
    if (m[1] !== name || !sig.subarray(0, 4).equals(keyId)) continue; // unknown key: ignored
    return verify(null, Buffer.from(text), key, sig.subarray(4)) ? text : undefined;
  }
  return undefined;
}
/** RFC 9162 §2.1.3.2 inclusion verification. */
function rootFromPath(index: number, size: number, leaf: Buffer, path: Buffer[]): Buffer | undefined {
  if (index >= size) return undefined;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = refNode(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = refNode(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

t.test("a tiles-only client rebuilds the anchored root and checks an inclusion", async (t) => {
  const seed = randomBytes(32);
  const api = await startApiLedger({ api: { logKey: seed }, config: { CHECKPOINT_MAX_LEAVES: 10_000 } });
  t.teardown(() => api.close());
  const device = await api.newDevice();
  const sub = await api.submit(device.envelope(api.domain, 600)); // two full level-0 tiles and a partial one
  t.equal(sub.status, 201);
  const target = sub.body.records[517]!;
  await api.waitAnchored(target.index + 1);
  const base = `${api.url}/v1/log/`;
  const get = (path: string) => fetch(base + path);

  // The key, out of band: the operator publishes the vkey; here it is derived from the seed the test chose.
  const jwk = createPublicKey(createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" })).export({ format: "jwk" });
  const publicKey = Buffer.from(jwk.x!, "base64url");
  const origin = `otledger/${api.chain.chainId}/${api.chain.contract.toLowerCase()}`;
  const keyId = sha256(Buffer.concat([Buffer.from(origin), Buffer.from([0x0a, 0x01]), publicKey])).subarray(0, 4);
  t.equal(await (await get("vkey")).text(), `${origin}+${keyId.toString("hex")}+${Buffer.concat([Buffer.from([1]), publicKey]).toString("base64")}\n`, "the served vkey is the one known out of band");

  const res = await get("checkpoint");
  t.equal(res.status, 200);
  t.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  t.match(res.headers.get("cache-control"), /max-age=5\b/, "the checkpoint is short-lived");
  const note = await res.text();
  const text = openNote(note, origin, publicKey);
  t.ok(text, "the note carries a valid Ed25519 signature by the log key");
  t.equal(openNote(note.replace(/\n\d+\n/, (m) => `\n${Number(m.trim()) + 1}\n`), origin, publicKey), undefined, "a changed size breaks the signature");
  const [noteOrigin, sizeLine, rootLine, ...extra] = text!.slice(0, -1).split("\n");
  t.equal(noteOrigin, origin);
  t.same(extra, [], "no extension lines");
  const size = Number(sizeLine);
  const root = Buffer.from(rootLine!, "base64");
  t.ok(size > target.index, `size ${size} covers the target`);

  // Level-0 tiles hold the leaf hashes: fetch them all, rebuild the root.
  const leaves: Buffer[] = [];
  for (let n = 0; n * 256 < size; n++) {
    const width = Math.min(256, size - n * 256);
    const tile = await get(tileUrl(0, n, width));
    t.equal(tile.status, 200, tileUrl(0, n, width));
    t.equal(tile.headers.get("content-type"), "application/octet-stream");
    t.match(tile.headers.get("cache-control"), width === 256 ? /immutable/ : /max-age=5\b/, width === 256 ? "full tiles are immutable" : "partial tiles are short-lived");
    const bytes = Buffer.from(await tile.arrayBuffer());
    t.equal(bytes.length, width * 32);
    for (let i = 0; i < width; i++) leaves.push(bytes.subarray(i * 32, (i + 1) * 32));
  }
  t.ok(refRoot(leaves).equals(root), "the root rebuilt from the tiles is the checkpoint's");

  // Level 1: each hash is the MTH of a full level-0 tile.
  const full = Math.floor(size / 256);
  const l1 = Buffer.from(await (await get(tileUrl(1, 0, full))).arrayBuffer());
  t.equal(l1.length, full * 32);
  for (let i = 0; i < full; i++) t.ok(l1.subarray(i * 32, (i + 1) * 32).equals(refRoot(leaves.slice(i * 256, (i + 1) * 256))), `level 1 hash ${i}`);

  // One inclusion: the record's hash is a leaf; its RFC 9162 path verifies to the root.
  const leaf = Buffer.from(target.hash.slice(2), "hex");
  const index = leaves.findIndex((l) => l.equals(leaf));
  t.equal(index, target.index, "the record's hash is at its index");
  t.ok(rootFromPath(index, size, leaf, refPath(index, leaves))?.equals(root), "its inclusion path leads to the root");

  // LedgerAnchor: the first checkpoint covering leaf size-1 is the one of exactly this size, with this root.
  const [cpIndex, cp] = await api.chain.ledger.getFunction("firstCheckpointCovering")(size - 1);
  t.equal(Number(cp.treeSize), size, `LedgerAnchor checkpoint ${cpIndex} has the note's size`);
  t.equal(String(cp.root), "0x" + root.toString("hex"), "and the note's root");

  t.test("the HTTP contract", async (t) => {
    const accessRecords = async () => Number((await api.ownerDb.query("SELECT count(*) FROM records WHERE kind = 'access'")).rows[0].count);
    const before = await accessRecords();
    for (const path of ["0/000", "checkpoint"]) t.equal((await get(path === "checkpoint" ? path : `tile/${path}`)).status, 200, `${path}: no key needed`);
    t.equal((await get(tileUrl(0, Math.floor(size / 256), 256))).status, 404, "the full tile beyond the anchored tree does not exist yet");
    t.equal((await get(tileUrl(0, 0, 3))).status, 200, "a partial tile inside the anchored tree is served");
    const beyond = await get(`tile/0/${tileIndexPath(Math.floor(size / 256))}.p/255`);
    t.match(await beyond.json(), { statusCode: 404, code: "not_found" }, "hashes beyond the anchored size are not served");
    for (const bad of ["0/0", "0/x000/001", "64/000", "0/000.p/256", "0/000.p/0", "01/000", "0/000/", "a/000"]) {
      const r = await get(`tile/${bad}`);
      t.match({ status: r.status, body: await r.json() }, { status: 400, body: { code: "tile_path_invalid", path: ["*"] } }, `${bad} refused`);
    }
    const entries = await get("tile/entries/000");
    t.match({ status: entries.status, body: await entries.json() }, { status: 404, body: { code: "entries_not_served" } });
    t.equal(res.headers.get("access-control-allow-origin"), "*", "readable from any origin");
    await new Promise((r) => setTimeout(r, 300));
    t.equal(await accessRecords(), before, "tile and checkpoint reads write no access records");
  });
});

t.test("no checkpoint before the first anchor", async (t) => {
  const api = await startApiLedger({ config: { CHECKPOINT_INTERVAL_MS: 3_600_000 } });
  t.teardown(() => api.close());
  const res = await api.get("/v1/log/checkpoint");
  t.match({ status: res.statusCode, body: res.json() }, { status: 404, body: { code: "not_found" } });
  t.equal((await api.get("/v1/log/tile/0/000.p/1")).statusCode, 404);
});
