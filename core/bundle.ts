// Proof bundle v1: everything needed to verify one record offline, given a few facts read from the chain.
import { z } from "zod";
import { EnvelopeHeaderSchema, MAX_ENVELOPE_RECORDS } from "./envelope.ts";
import { AddressSchema, Hex32Schema, SignatureSchema } from "./hex.ts";
import { RecordSchema } from "./record.ts";

export const BUNDLE_VERSION = "otledger.bundle/1";
const uint = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** A proof never has more than 64 hashes (tree sizes are uint64). */
const Proof = z.array(Hex32Schema).max(64);

export const BundleSchema = z.strictObject({
  version: z.literal(BUNDLE_VERSION),
  record: RecordSchema,
  /** Claimed record hash: the leaf in both the envelope tree and the global log. */
  recordHash: Hex32Schema,
  envelope: z.strictObject({
    header: EnvelopeHeaderSchema,
    signature: SignatureSchema,
    /** Position of the record in its envelope (= record.seq − header.firstSeq). */
    index: z.number().int().min(0).max(MAX_ENVELOPE_RECORDS - 1),
    /** Inclusion proof of recordHash at `index` in the tree of header.count record hashes, root header.recordsRoot. */
    proof: Proof,
  }),
  log: z.strictObject({
    /** 0-based leaf index in the global log. */
    index: uint(),
    treeSize: uint().min(1),
    /** Inclusion proof of recordHash at `index` in the log of `treeSize` leaves. */
    proof: Proof,
  }),
  anchor: z.strictObject({
    chainId: uint().min(1),
    contract: AddressSchema,
    checkpointIndex: uint(),
    treeSize: uint().min(1),
    root: Hex32Schema,
    txHash: Hex32Schema,
    blockNumber: uint(),
  }),
});
export type Bundle = z.infer<typeof BundleSchema>;

const big = z.union([z.number().int().min(0), z.bigint().min(0n)]);
// Facts come straight from ethers, which checksums addresses: accept any case, compare lowercase.
const anyCaseAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/).transform((s) => s.toLowerCase());
const anyCaseHex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/).transform((s) => s.toLowerCase());

/**
 * What the caller read from the chain (LedgerAnchor at `contract` on `chainId`) for a bundle:
 * checkpointAt(anchor.checkpointIndex), firstCovering(log.index), deviceStatus(record.device), and optionally
 * the CheckpointAnchored event found in the receipt of anchor.txHash. null means "the chain has no such thing".
 */
export const ChainFactsSchema = z.object({
  chainId: big,
  contract: anyCaseAddress,
  checkpoint: z.object({ index: big, treeSize: big, root: anyCaseHex32, blockNumber: big.optional() }).nullable(),
  firstCovering: z.object({ index: big, treeSize: big }).nullable(),
  device: z.object({
    /** The address these facts were read for; checked against the record when given. */
    address: anyCaseAddress.optional(),
    registered: z.boolean(),
    revoked: z.boolean(),
    revokedAtCheckpoint: big,
  }),
  /** From the receipt of anchor.txHash: the checkpoint index its CheckpointAnchored event carries, or null if none. Omit to skip. */
  anchorTx: z.object({ txHash: anyCaseHex32, checkpointIndex: big, blockNumber: big }).nullable().optional(),
});
export type ChainFacts = z.input<typeof ChainFactsSchema>;
export type ParsedChainFacts = z.output<typeof ChainFactsSchema>;

/** What to read from the chain to build ChainFacts for a bundle. */
export function chainFactsQuery(b: Bundle) {
  return {
    chainId: b.anchor.chainId, contract: b.anchor.contract, checkpointIndex: b.anchor.checkpointIndex,
    leafIndex: b.log.index, device: b.record.device, txHash: b.anchor.txHash,
  };
}

/** Every check verifyBundle reports, in order. */
export const CHECK_NAMES = [
  "schema", "record_hash", "envelope_device", "envelope_seq", "envelope_inclusion", "envelope_last_hash", "signature",
  "chain_id", "contract", "checkpoint", "anchor_tx", "log_size", "log_inclusion", "device_registered", "device_not_revoked",
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** Every failure code verifyBundle can report (docs/PROTOCOL.md §Verification). */
export type BundleCheckCode =
  | "bundle_schema"
  | "record_hash_mismatch"
  | "envelope_device_mismatch" | "envelope_seq_mismatch"
  | "envelope_proof_malformed" | "envelope_root_mismatch" | "envelope_last_hash_mismatch"
  | "signature_invalid" | "signature_signer_mismatch"
  | "chain_id_mismatch" | "contract_mismatch"
  | "checkpoint_missing" | "checkpoint_index_mismatch" | "checkpoint_size_mismatch" | "checkpoint_root_mismatch" | "checkpoint_block_mismatch"
  | "anchor_tx_missing" | "anchor_tx_mismatch"
  | "log_size_mismatch" | "log_proof_malformed" | "log_root_mismatch"
  | "device_facts_mismatch" | "device_not_registered"
  | "record_not_anchored" | "first_covering_invalid" | "device_revoked";

export type Check = {
  name: CheckName;
  ok: boolean;
  code?: BundleCheckCode;
  expected?: unknown;
  computed?: unknown;
  message?: string;
  /** True when the facts needed for this check were not supplied (an `ok` that proves nothing). */
  skipped?: boolean;
};
export type VerifyResult = { ok: boolean; checks: Check[] };
