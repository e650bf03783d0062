// COSE Receipts (PROTOCOL §13) against docs/vectors/receipt.json: the valid receipt verifies with its evidence,
// every mutation fails with its own literal code, and the encoding follows RFC 9942's shape byte for byte.
import t from "tap";
import { readFileSync } from "node:fs";
import { decode, Tag } from "cbor2";
import { decodeReceipt, encodeReceipt, receiptFactsQuery, verifyReceipt, type ReceiptFacts } from "../../core/index.ts";
import { receiptCase, signWith } from "./vectors/receipt.ts";
import { SERVICE_KEY } from "./vectors/inputs.ts";

type Vectors = { valid: { receipt: string; recordHash: string; facts: ReceiptFacts; root: string }; mutations: { name: string; receipt: string; recordHash: string; facts: ReceiptFacts; code: string }[] };
const vectors = JSON.parse(readFileSync(new URL("../../docs/vectors/receipt.json", import.meta.url), "utf8")) as Vectors;
const bytes = (hex: string) => Buffer.from(hex.slice(2), "hex");

t.test("the vector receipt verifies, with its evidence", async (t) => {
  const v = verifyReceipt(bytes(vectors.valid.receipt), { recordHash: vectors.valid.recordHash, facts: vectors.valid.facts });
  t.ok(v.ok, JSON.stringify(v));
  if (v.ok) t.match(v.evidence, { root: vectors.valid.root, leaf: vectors.valid.recordHash, leafIndex: 5, treeSize: 7, anchor: { checkpointIndex: 2, chainId: 31337 } });
  t.same(receiptFactsQuery(bytes(vectors.valid.receipt)), { chainId: 31337, contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3", checkpointIndex: 2, signer: vectors.valid.facts.signer.address });
});

t.test("every mutation fails with its code", async (t) => {
  t.ok(vectors.mutations.length >= 12);
  for (const m of vectors.mutations) {
    const v = verifyReceipt(bytes(m.receipt), { recordHash: m.recordHash, facts: m.facts });
    t.notOk(v.ok, m.name);
    t.equal(v.ok ? null : v.code, m.code, m.name);
  }
  const codes = new Set(vectors.mutations.map((m) => m.code));
  for (const c of ["receipt_leaf_mismatch", "receipt_signature_invalid", "receipt_proof_malformed", "receipt_checkpoint_missing", "receipt_root_mismatch", "receipt_size_mismatch", "receipt_signer_not_service", "receipt_malformed"]) t.ok(codes.has(c), c);
});

t.test("RFC 9942 shape: tag 18, detached payload, alg/vds/kid protected, one bstr-wrapped inclusion proof in vdp", async (t) => {
  const { receipt, input } = receiptCase();
  const outer = decode(receipt, { preferMap: true }) as Tag;
  t.equal(Number(outer.tag), 18);
  const [p, u, payload, sig] = outer.contents as [Uint8Array, Map<number, Map<number, Uint8Array[]>>, null, Uint8Array];
  t.equal(payload, null, "payload detached");
  t.equal(sig.length, 64, "r ‖ s");
  const h = decode(p, { preferMap: true }) as Map<number, unknown>;
  t.same([...h.keys()], [1, 4, 395, -65537, -65538], "protected labels, in deterministic order");
  t.equal(h.get(1), -47);
  t.equal(h.get(395), 1);
  t.same([...u.keys()], [396]);
  const proofs = u.get(396)!.get(-1)!;
  t.equal(proofs.length, 1);
  const [size, index, path] = decode(proofs[0]!) as [number, number, Uint8Array[]];
  t.same([size, index, path.length], [input.treeSize, input.leafIndex, input.proof.length]);
  t.same(decodeReceipt(receipt).signer, input.signer);
});

t.test("refuses what it cannot issue or read", async (t) => {
  const { input } = receiptCase();
  t.throws(() => encodeReceipt({ ...input, treeSize: 1, leafIndex: 0, proof: [] }, signWith(SERVICE_KEY)), /non-empty inclusion path/);
  t.throws(() => encodeReceipt({ ...input, proof: input.proof.slice(1) }, signWith(SERVICE_KEY)), { code: "merkle_proof_size" });
  for (const junk of [new Uint8Array(0), Uint8Array.of(0xd2), Uint8Array.of(0xa0), Buffer.from("d28440a0f640", "hex")]) {
    const v = verifyReceipt(junk, { recordHash: input.leaf as string, facts: receiptCase().facts });
    t.match(v, { ok: false, code: "receipt_malformed" });
  }
  const bad = verifyReceipt(receiptCase().receipt, { recordHash: receiptCase().recordHash, facts: { ...receiptCase().facts, contract: "nope" } as ReceiptFacts });
  t.match(bad, { ok: false, code: "receipt_facts_invalid" });
});
