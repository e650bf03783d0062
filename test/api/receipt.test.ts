// GET /v1/records/{hash}/receipt: a COSE Receipt (RFC 9942) that core's verifyReceipt accepts against facts read
// from LedgerAnchor on the real chain, and that an independent check accepts too — cbor-x decoding, the Sig_structure
// rebuilt with cbor-x, @noble/curves ES256K verification with the service key, and the root recomputed by the
// test's own RFC 9162 reference from the stored leaves and compared with the on-chain root. Then each way a
// receipt can be wrong fails with its code: another record, a tampered proof, an unregistered or device-role key,
// a root or size not anchored.
import t from "tap";
import { createHash } from "node:crypto";
import { Decoder, Encoder, Tag as CborXTag } from "cbor-x";
import { secp256k1 } from "@noble/curves/secp256k1";
import { Wallet } from "ethers";
import { encodeReceipt, receiptFactsQuery, verifyReceipt, type ReceiptFacts, type ReceiptFactsQuery } from "../../core/index.ts";
import { serviceKeySigner } from "../../server/api/receipt.ts";
import { refPath, refRoot } from "../contracts/rfc9162-reference.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { startApiLedger, type ApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

async function readFacts(api: ApiLedger, q: ReceiptFactsQuery): Promise<ReceiptFacts> {
  const call = (name: string, ...args: unknown[]) => api.chain.ledger.getFunction(name)(...args);
  const count = Number(await call("checkpointCount"));
  const cp = q.checkpointIndex < count ? await call("checkpointAt", q.checkpointIndex) : null;
  const s = await call("deviceStatus", q.signer);
  return {
    chainId: api.chain.chainId, contract: api.chain.contract.toLowerCase(),
    checkpoint: cp === null ? null : { index: q.checkpointIndex, treeSize: cp.treeSize, root: String(cp.root).toLowerCase() },
    signer: { address: q.signer, registered: s.registered, revoked: s.revoked, role: Number(s.keyRole) === 1 ? "service" : "device" },
  };
}

t.test("receipts: issued, verified by core and independently, refused when wrong", async (t) => {
  const api = await startApiLedger({ config: { CHECKPOINT_INTERVAL_MS: 3_600_000, CHECKPOINT_MAX_LEAVES: 6 } });
  t.teardown(() => api.close());
  const device = await api.newDevice();
  const auditor = await api.principal("auditor", "auditor");
  const partner = await api.principal("outsider", "partner"); // no grant: sees nothing
  const sub = await api.submit(device.envelope(api.domain, 6));
  t.equal(sub.status, 201);
  await api.waitAnchored(6);
  const record = sub.body.records[3]!;

  const res = await api.get(`/v1/records/${record.hash}/receipt`, auditor.key);
  t.equal(res.statusCode, 200);
  t.equal(res.headers["content-type"], "application/cose");
  const receipt = res.rawPayload;
  const facts = await readFacts(api, receiptFactsQuery(receipt));
  const verdict = verifyReceipt(receipt, { recordHash: record.hash, facts });
  t.ok(verdict.ok, JSON.stringify(verdict));
  if (!verdict.ok) return;
  t.equal(verdict.evidence.signer, api.serviceKey.address.toLowerCase(), "kid is the service key");
  t.equal(verdict.evidence.leafIndex, record.index);
  t.equal(facts.signer.role, "service", "LedgerAnchor registers kid with the service role");

  t.test("independent check: cbor-x, noble ES256K, the RFC 9162 reference, LedgerAnchor", async (t) => {
    const cbor = new Decoder({ mapsAsObjects: false });
    const outer = cbor.decode(receipt) as CborXTag;
    t.equal(outer.tag, 18, "COSE_Sign1 tag");
    const [protectedBytes, unprotected, payload, signature] = outer.value as [Uint8Array, Map<number, Map<number, Uint8Array[]>>, null, Uint8Array];
    t.equal(payload, null, "detached payload");
    const header = cbor.decode(protectedBytes) as Map<number, unknown>;
    t.equal(header.get(1), -47, "alg ES256K");
    t.equal(header.get(395), 1, "vds RFC9162_SHA256");
    t.equal(Buffer.from(header.get(4) as Uint8Array).toString("hex"), api.serviceKey.address.slice(2).toLowerCase(), "kid = service key address");
    t.equal(Buffer.from(header.get(-65538) as Uint8Array).toString("hex"), record.hash.slice(2), "the leaf is the record hash");
    const [treeSize, leafIndex, path] = cbor.decode(unprotected.get(396)!.get(-1)![0]!) as [number, number, Uint8Array[]];
    t.equal(leafIndex, record.index);
    const leaves = (await api.ownerDb.query<{ hash: Buffer }>("SELECT hash FROM leaves WHERE idx < $1 ORDER BY idx", [treeSize])).rows.map((r) => r.hash);
    t.same(path.map((h) => Buffer.from(h).toString("hex")), refPath(leafIndex, leaves).map((h) => h.toString("hex")), "the path is RFC 9162 PATH(m, D[n])");
    const root = refRoot(leaves);
    const anchor = header.get(-65537) as Map<number, unknown>;
    const onChain = await api.chain.ledger.getFunction("checkpointAt")(anchor.get(3));
    t.equal(Number(onChain.treeSize), treeSize, "tree_size is the anchored checkpoint's");
    t.equal(String(onChain.root), "0x" + root.toString("hex"), "the reference root is LedgerAnchor's root");
    const toBeSigned = new Encoder({ useRecords: false, tagUint8Array: false }).encode(["Signature1", protectedBytes, new Uint8Array(0), root]);
    const digest = createHash("sha256").update(toBeSigned).digest();
    t.ok(secp256k1.verify(signature, digest, api.serviceKey.signingKey.publicKey.slice(2)), "ES256K signature over the root");
    const status = await api.chain.ledger.getFunction("deviceStatus")(api.serviceKey.address);
    t.equal(Number(status.keyRole), 1, "the key is LedgerAnchor's service key");
  });

  t.test("refusals with literal codes", async (t) => {
    const other = sub.body.records[4]!;
    t.match(verifyReceipt(receipt, { recordHash: other.hash, facts }), { ok: false, code: "receipt_leaf_mismatch" }, "another record");
    // Tamper with the unprotected (unsigned) proof: the recomputed root changes, so the signature fails.
    const enc = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false });
    const cbor = new Decoder({ mapsAsObjects: false });
    const outer = cbor.decode(receipt) as CborXTag;
    const [p, u, , sig] = outer.value as [Uint8Array, Map<number, Map<number, Uint8Array[]>>, null, Uint8Array];
    const [n, i, path] = cbor.decode(u.get(396)!.get(-1)![0]!) as [number, number, Uint8Array[]];
    const bent = path.map((h, k) => (k === path.length - 1 ? new Uint8Array(32).fill(7) : h));
    const tampered = enc.encode(new CborXTag([p, new Map([[396, new Map([[-1, [enc.encode([n, i, bent])]]])]]), null, sig], 18));
    t.match(verifyReceipt(tampered, { recordHash: record.hash, facts }), { ok: false, code: "receipt_signature_invalid" }, "a tampered proof");

    const { anchor, leafIndex, treeSize } = verdict.evidence;
    const proof = (await api.get(`/v1/records/${record.hash}/proof?treeSize=${treeSize}`, auditor.key)).json().log.proof as string[];
    const forge = (signer: Wallet, over: Partial<Parameters<typeof encodeReceipt>[0]> = {}) =>
      encodeReceipt({ leaf: record.hash, leafIndex, treeSize, proof, anchor, signer: signer.address.toLowerCase(), ...over }, serviceKeySigner(signer));
    const check = async (bytes: Uint8Array) => verifyReceipt(bytes, { recordHash: record.hash, facts: await readFacts(api, receiptFactsQuery(bytes)) });
    t.ok((await check(forge(api.serviceKey))).ok, "a receipt rebuilt with the service key verifies (the forgeries below differ only where stated)");
    t.match(await check(forge(Wallet.createRandom() as unknown as Wallet)), { ok: false, code: "receipt_signer_not_registered" }, "signed by an unregistered key");
    t.match(await check(forge(device.wallet)), { ok: false, code: "receipt_signer_not_service" }, "signed by a device key");
    const count = Number(await api.chain.checkpointCount());
    t.match(await check(forge(api.serviceKey, { anchor: { ...anchor, checkpointIndex: count + 5 } })), { ok: false, code: "receipt_checkpoint_missing" }, "a checkpoint LedgerAnchor does not have");
    const sizeLess = treeSize - 1;
    const leaves = (await api.ownerDb.query<{ hash: Buffer }>("SELECT hash FROM leaves WHERE idx < $1 ORDER BY idx", [sizeLess])).rows.map((r) => r.hash);
    const unanchored = forge(api.serviceKey, { treeSize: sizeLess, proof: refPath(leafIndex, leaves).map((h) => "0x" + h.toString("hex")) });
    t.match(await check(unanchored), { ok: false, code: "receipt_size_mismatch" }, "a root of a tree size that is not anchored (signed by the real key)");
  });

  t.test("the route: scope, pending, tree sizes", async (t) => {
    t.equal((await api.get(`/v1/records/${record.hash}/receipt`, partner.key)).statusCode, 404, "out of scope looks absent");
    t.equal((await api.get(`/v1/records/${record.hash}/receipt`)).statusCode, 401, "needs a key");
    const bad = await api.get(`/v1/records/${record.hash}/receipt?treeSize=999999`, auditor.key);
    t.match(bad.json(), { statusCode: 400, code: "tree_size_not_anchored", path: ["treeSize"] });
    const late = await api.submit(device.envelope(api.domain, 1));
    const pending = await api.get(`/v1/records/${late.body.records[0]!.hash}/receipt`, auditor.key);
    t.equal(pending.statusCode, 202);
    t.match(pending.json(), { status: "pending", hash: late.body.records[0]!.hash });
  });
});
