// COSE Receipt vectors (docs/PROTOCOL.md §13): one receipt over the leaves of merkle.json (tree of 7, leaf 5),
// signed by the vectors' service key, with its chain facts and the code each mutation of it or its facts produces.
import { decode, encode, Tag } from "cbor2";
import { getBytes, type SigningKey } from "ethers";
import { encodeReceipt, MerkleTree, toHex, toHex32, verifyReceipt, type ReceiptFacts, type ReceiptInput } from "../../../core/index.ts";
import { SERVICE_DEVICE, SERVICE_KEY, TEST_DEVICE } from "./inputs.ts";
import { merkleLeafData } from "./merkle.ts";

export const signWith = (key: SigningKey) => (digest: Uint8Array): Uint8Array => {
  const sig = key.sign(digest);
  return getBytes(sig.r + sig.s.slice(2));
};

export function receiptCase() {
  const tree = MerkleTree.fromEntries(merkleLeafData());
  const treeSize = 7, leafIndex = 5;
  const input: ReceiptInput = {
    leaf: tree.leaf(leafIndex), leafIndex, treeSize, proof: tree.inclusionProof(leafIndex, treeSize), signer: SERVICE_DEVICE,
    anchor: { chainId: 31337, contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3", checkpointIndex: 2, txHash: "0x" + "ab".repeat(32), blockNumber: 42 },
  };
  const facts: ReceiptFacts = {
    chainId: 31337, contract: input.anchor.contract,
    checkpoint: { index: 2, treeSize, root: toHex32(tree.root(treeSize)) },
    signer: { address: SERVICE_DEVICE, registered: true, revoked: false, role: "service" },
  };
  return { tree, input, facts, recordHash: toHex32(tree.leaf(leafIndex)), receipt: encodeReceipt(input, signWith(SERVICE_KEY)) };
}

export function receiptVectors() {
  const { tree, input, facts, recordHash, receipt } = receiptCase();
  const other = (f: Partial<ReceiptFacts>): ReceiptFacts => ({ ...facts, ...f });
  const resigned = (i: Partial<ReceiptInput>) => toHex(encodeReceipt({ ...input, ...i }, signWith(SERVICE_KEY)));
  const flip = (at: number) => { const b = Uint8Array.from(receipt); b[at]! ^= 1; return toHex(b); };
  // The unprotected header is not signed: change the proof in it and keep the signature.
  const reproof = (edit: (proof: [number, number, Uint8Array[]]) => unknown[]) => {
    const [p, u, payload, sig] = (decode(receipt, { preferMap: true }) as Tag).contents as [Uint8Array, Map<number, Map<number, Uint8Array[]>>, null, Uint8Array];
    const proof = decode(u.get(396)!.get(-1)![0]!) as [number, number, Uint8Array[]];
    return toHex(encode(new Tag(18, [p, new Map([[396, new Map([[-1, [encode(edit(proof))]]])]]), payload, sig])));
  };
  const mutations: { name: string; receipt: string; recordHash: string; facts: ReceiptFacts }[] = [
    { name: "another record's hash", receipt: toHex(receipt), recordHash: toHex32(tree.leaf(4)), facts },
    { name: "last signature byte flipped", receipt: flip(receipt.length - 1), recordHash, facts },
    { name: "signed for a tree of 8 (a root the chain does not hold at checkpoint 2)", receipt: resigned({ treeSize: 8, proof: tree.inclusionProof(5, 8) }), recordHash, facts },
    { name: "no checkpoint at index 2 on-chain", receipt: toHex(receipt), recordHash, facts: other({ checkpoint: null }) },
    { name: "anchored root differs", receipt: toHex(receipt), recordHash, facts: other({ checkpoint: { index: 2, treeSize: 7, root: toHex32(tree.root(6)) } }) },
    { name: "kid has the device role", receipt: toHex(receipt), recordHash, facts: other({ signer: { ...facts.signer, role: "device" } }) },
    { name: "kid is not registered", receipt: toHex(receipt), recordHash, facts: other({ signer: { ...facts.signer, registered: false } }) },
    { name: "kid is revoked", receipt: toHex(receipt), recordHash, facts: other({ signer: { ...facts.signer, revoked: true } }) },
    { name: "facts read on another chain", receipt: toHex(receipt), recordHash, facts: other({ chainId: 1 }) },
    { name: "signed by a key that is not kid", receipt: resigned({ signer: TEST_DEVICE }), recordHash, facts },
    { name: "an inclusion path hash altered", receipt: reproof(([n, i, path]) => [n, i, path.map((h, k) => (k === 0 ? Uint8Array.from(h, (x, j) => (j === 0 ? x ^ 1 : x)) : h))]), recordHash, facts },
    { name: "leaf_index moved to 4", receipt: reproof(([n, , path]) => [n, 4, path]), recordHash, facts },
    { name: "a hash dropped from the path", receipt: reproof(([n, i, path]) => [n, i, path.slice(1)]), recordHash, facts },
    { name: "leaf_index >= tree_size", receipt: reproof(([n, , path]) => [n, 7, path]), recordHash, facts },
    { name: "untagged", receipt: toHex(receipt.subarray(1)), recordHash, facts },
  ];
  return {
    description: "COSE Receipts (RFC 9942, RFC9162_SHA256, ES256K) over the leaves of merkle.json: receipt is the CBOR in hex, facts what LedgerAnchor answers; each mutation MUST fail with its code.",
    valid: { receipt: toHex(receipt), recordHash, facts, root: toHex32(tree.root(input.treeSize)) },
    mutations: mutations.map((m) => {
      const v = verifyReceipt(Buffer.from(m.receipt.slice(2), "hex"), { recordHash: m.recordHash, facts: m.facts });
      return { ...m, code: v.ok ? null : v.code };
    }),
  };
}
