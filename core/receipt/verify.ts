// verifyReceipt (docs/PROTOCOL.md §13.3): pure. The verifier brings the record hash it computed itself and the
// chain facts it read from LedgerAnchor (receiptFactsQuery says what to read); every link — leaf → proof → root
// → signature by kid → kid's role on-chain → the anchored checkpoint's size and root — is checked once, in order,
// and the first failure is answered with its literal code and evidence.
import { z } from "zod";
import { Signature } from "ethers/crypto";
import { recoverAddress } from "ethers/transaction";
import { MerkleProofError } from "../errors.ts";
import { DeviceRoleSchema } from "../facts.ts";
import { toHex, toHex32, type Hex32 } from "../hex.ts";
import { rootFromInclusionProof } from "../merkle-verify.ts";
import { signingDigest, type AnchorRef } from "./cose.ts";
import { decodeReceipt, type DecodedReceipt } from "./decode.ts";
import { ReceiptError, type ReceiptErrorCode } from "./errors.ts";

const big = z.union([z.number().int().min(0), z.bigint().min(0n)]).transform((v) => BigInt(v));
const anyCaseAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/).transform((s) => s.toLowerCase());
const anyCaseHex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase());

/** What a verifier read from LedgerAnchor for a receipt: checkpointAt(checkpointIndex) (null if none) and deviceStatus(kid). */
export const ReceiptFactsSchema = z.object({
  chainId: big,
  contract: anyCaseAddress,
  checkpoint: z.object({ index: big, treeSize: big, root: anyCaseHex32 }).nullable(),
  signer: z.object({ address: anyCaseAddress, registered: z.boolean(), revoked: z.boolean(), role: DeviceRoleSchema }),
});
export type ReceiptFacts = z.input<typeof ReceiptFactsSchema>;

export type ReceiptEvidence = { signer: string; anchor: AnchorRef; leaf: Hex32; leafIndex: number; treeSize: number; root?: Hex32 };
export type ReceiptVerification =
  | { ok: true; evidence: ReceiptEvidence & { root: Hex32 } }
  | { ok: false; code: ReceiptErrorCode; message: string; expected?: unknown; computed?: unknown; evidence?: ReceiptEvidence };

export type ReceiptFactsQuery = { chainId: number; contract: string; checkpointIndex: number; signer: string };

/** What to read from LedgerAnchor (at `contract` on `chainId`) to verify a receipt; throws ReceiptError if it is malformed. */
export function receiptFactsQuery(bytes: Uint8Array): ReceiptFactsQuery {
  const r = decodeReceipt(bytes);
  return { chainId: r.anchor.chainId, contract: r.anchor.contract, checkpointIndex: r.anchor.checkpointIndex, signer: r.signer };
}

export function verifyReceipt(bytes: Uint8Array, input: { recordHash: string; facts: ReceiptFacts }): ReceiptVerification {
  let r: DecodedReceipt;
  try {
    r = decodeReceipt(bytes);
  } catch (err) {
    return failure(err);
  }
  const evidence: ReceiptEvidence = { signer: r.signer, anchor: r.anchor, leaf: r.leaf, leafIndex: r.leafIndex, treeSize: r.treeSize };
  try {
    const facts = ReceiptFactsSchema.safeParse(input.facts);
    if (!facts.success) throw new ReceiptError("receipt_facts_invalid", `chain facts: ${facts.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const f = facts.data;
    const recordHash = input.recordHash.toLowerCase();
    if (r.leaf !== recordHash) throw new ReceiptError("receipt_leaf_mismatch", "the receipt is for another record", { expected: recordHash, computed: r.leaf });
    const root = recomputeRoot(r);
    evidence.root = toHex32(root);
    if (recoverSigner(r, root) !== r.signer) throw new ReceiptError("receipt_signature_invalid", "the signature over the recomputed root does not recover to kid", { expected: r.signer });
    if (f.chainId !== BigInt(r.anchor.chainId) || f.contract !== r.anchor.contract || f.signer.address !== r.signer || (f.checkpoint !== null && f.checkpoint.index !== BigInt(r.anchor.checkpointIndex))) {
      throw new ReceiptError("receipt_facts_mismatch", "the facts were read for another chain, contract, checkpoint or key", {
        expected: { chainId: r.anchor.chainId, contract: r.anchor.contract, checkpointIndex: r.anchor.checkpointIndex, signer: r.signer },
        computed: { chainId: String(f.chainId), contract: f.contract, checkpointIndex: f.checkpoint === null ? null : String(f.checkpoint.index), signer: f.signer.address },
      });
    }
    if (!f.signer.registered) throw new ReceiptError("receipt_signer_not_registered", `${r.signer} is not registered on LedgerAnchor`, { computed: r.signer });
    if (f.signer.role !== "service") throw new ReceiptError("receipt_signer_not_service", `${r.signer} has the ${f.signer.role} role`, { expected: "service", computed: f.signer.role });
    if (f.signer.revoked) throw new ReceiptError("receipt_signer_revoked", `${r.signer} is revoked`, { computed: r.signer });
    if (f.checkpoint === null) throw new ReceiptError("receipt_checkpoint_missing", `LedgerAnchor has no checkpoint ${r.anchor.checkpointIndex}`, { computed: r.anchor.checkpointIndex });
    if (f.checkpoint.treeSize !== BigInt(r.treeSize)) throw new ReceiptError("receipt_size_mismatch", "tree_size is not the anchored checkpoint's", { expected: String(f.checkpoint.treeSize), computed: r.treeSize });
    if (f.checkpoint.root !== evidence.root) throw new ReceiptError("receipt_root_mismatch", "the recomputed root is not the anchored root", { expected: f.checkpoint.root, computed: evidence.root });
    return { ok: true, evidence: { ...evidence, root: evidence.root } };
  } catch (err) {
    return failure(err, evidence);
  }
}

function recomputeRoot(r: DecodedReceipt): Buffer {
  try {
    return rootFromInclusionProof(r.leafIndex, r.treeSize, r.leaf, r.path);
  } catch (err) {
    if (err instanceof MerkleProofError) throw new ReceiptError("receipt_proof_malformed", err.message, { expected: err.expected, computed: err.computed });
    throw err;
  }
}

/** kid if the signature recovers to it under either recovery id (ES256K carries none), else undefined. */
function recoverSigner(r: DecodedReceipt, root: Uint8Array): string | undefined {
  const digest = signingDigest(r.protectedBytes, root);
  const rs = { r: toHex(r.signature.subarray(0, 32)), s: toHex(r.signature.subarray(32)) };
  for (const v of [27, 28]) {
    try {
      if (recoverAddress(digest, Signature.from({ ...rs, v })).toLowerCase() === r.signer) return r.signer;
    } catch {
      // no point for this recovery id, or r/s out of range: try the other one
    }
  }
  return undefined;
}

function failure(err: unknown, evidence?: ReceiptEvidence): ReceiptVerification {
  if (!(err instanceof ReceiptError)) throw err;
  return {
    ok: false, code: err.code, message: err.message,
    ...(err.expected === undefined ? {} : { expected: err.expected }), ...(err.computed === undefined ? {} : { computed: err.computed }),
    ...(evidence === undefined ? {} : { evidence }),
  };
}
