// verifyBundleV2: the pure verifier of a proof bundle against chain facts (PROTOCOL §11): the record hash, its
// openings against the header, envelope, signature, anchor, log and signer, and erasure (evidence for what is missing).
import { BundleV2Schema, ErasureBundleSchema, type BundleV2 } from "./bundle.ts";
import {
  checkAnchorTx, checkChainId, checkCheckpoint, checkContract, checkDeviceRegistered, checkLogSize, checkNotRevoked, checkSignature,
  fail, pass, proofRoot, type CheckV2,
} from "./checks.ts";
import { recordHash } from "./commit.ts";
import { checkErasure } from "./erasure-check.ts";
import { ChainFactsV2Schema, type ChainFactsV2, type ParsedSubjectFactsV2 as Facts } from "./facts.ts";
import { checkRecord, type Openings } from "./record-check.ts";
import { RecordError } from "./errors.ts";
import type { z } from "zod";

export const BUNDLE_CHECKS_V2 = [
  "schema", "record_hash", "record_openings", "envelope_device", "envelope_seq", "envelope_inclusion", "envelope_last_hash", "signature",
  "chain_id", "contract", "checkpoint", "anchor_tx", "log_size", "log_inclusion", "device_registered", "device_not_revoked", "erasure",
] as const;
/** full: every opening verifies; personal_erased: all but an event's personal one; erased: a stub with erasure evidence; stub: a stub without. */
export type RecordOpenings = "full" | "personal_erased" | "erased" | "stub";
export type BundleV2Result = { ok: boolean; openings: RecordOpenings | null; checks: CheckV2[] };

function schemaFailure(error: z.ZodError, where: string): BundleV2Result {
  const issue = error.issues[0];
  const path = [where, ...(issue?.path ?? [])].join(".");
  return { ok: false, openings: null, checks: [fail("schema", "bundle_schema", `${path}: ${issue?.message ?? "invalid"}`, undefined, path)] };
}

/** Every check of PROTOCOL §11 in order; a bundle or facts that do not parse yield only the failed schema check. */
export function verifyBundleV2(bundle: unknown, chainFacts: ChainFactsV2): BundleV2Result {
  const parsed = BundleV2Schema.safeParse(bundle);
  if (!parsed.success) return schemaFailure(parsed.error, "bundle");
  const facts = ChainFactsV2Schema.safeParse(chainFacts);
  if (!facts.success) return schemaFailure(facts.error, "chainFacts");
  const b = parsed.data, f = facts.data;
  const [openingsCheck, openings] = checkOpenings(b);
  const checks: CheckV2[] = [pass("schema"), checkHash(b), openingsCheck, ...subjectChecks(b, f), checkErasure(b, f, openings, verifyErasureBundle)];
  const erasureOk = checks.at(-1)!.ok && b.erasure !== undefined;
  const reported: RecordOpenings | null = openings === "stub" && erasureOk ? "erased" : openings;
  return { ok: checks.every((c) => c.ok), openings: reported, checks };
}

function verifyErasureBundle(bundle: unknown, f: Facts): { ok: boolean; checks: CheckV2[] } {
  const parsed = ErasureBundleSchema.safeParse(bundle);
  if (!parsed.success) return schemaFailure(parsed.error, "erasure");
  const b = parsed.data as BundleV2;
  const [openingsCheck] = checkOpenings(b);
  const checks = [pass("schema"), checkHash(b), openingsCheck, ...subjectChecks(b, f)];
  return { ok: checks.every((c) => c.ok), checks };
}

function checkHash(b: BundleV2): CheckV2 {
  const computed = recordHash(b.record.header);
  return computed === b.recordHash ? pass("record_hash") : fail("record_hash", "record_hash_mismatch", "the header does not hash to recordHash", b.recordHash, computed);
}

function checkOpenings(b: BundleV2): [CheckV2, Openings | null] {
  try {
    const { openings } = checkRecord(b.record);
    return [pass("record_openings", openings), openings];
  } catch (err) {
    if (!(err instanceof RecordError) || err.code === "schema_invalid") throw err; // the bundle schema already parsed the record
    return [fail("record_openings", err.code, `${err.path.join(".")}: ${err.message}`, err.expected, err.computed), null];
  }
}

/** The checks of the record's envelope, anchor, log and signer, on the header's device and seq. */
function subjectChecks(b: BundleV2, f: Facts): CheckV2[] {
  const { header, index, proof, signature } = b.envelope, h = b.record.header;
  const envRoot = proofRoot(index, header.count, b.recordHash, proof);
  const logRoot = proofRoot(b.log.index, b.log.treeSize, b.recordHash, b.log.proof);
  const target = f.checkpoint?.root ?? b.anchor.root;
  return [
    h.device === header.device ? pass("envelope_device") : fail("envelope_device", "envelope_device_mismatch", "header.device differs from the envelope's device", header.device, h.device),
    index >= header.count ? fail("envelope_seq", "envelope_seq_mismatch", `envelope index ${index} is outside count ${header.count}`, `< ${header.count}`, index)
      : h.seq === header.firstSeq + index ? pass("envelope_seq") : fail("envelope_seq", "envelope_seq_mismatch", "header.seq is not firstSeq + envelope.index", header.firstSeq + index, h.seq),
    "error" in envRoot ? fail("envelope_inclusion", "envelope_proof_malformed", envRoot.error)
      : envRoot.root === header.recordsRoot ? pass("envelope_inclusion") : fail("envelope_inclusion", "envelope_root_mismatch", "the envelope proof does not lead to recordsRoot", header.recordsRoot, envRoot.root),
    index !== header.count - 1 ? pass("envelope_last_hash", "not the envelope's last record")
      : b.recordHash === header.lastHash ? pass("envelope_last_hash") : fail("envelope_last_hash", "envelope_last_hash_mismatch", "the envelope's last record hash differs from lastHash", header.lastHash, b.recordHash),
    checkSignature(header, signature, f),
    checkChainId(b.anchor, f),
    checkContract(b.anchor, f),
    checkCheckpoint(b.anchor, f),
    checkAnchorTx(b.anchor, f),
    checkLogSize(b.log.treeSize, b.anchor),
    "error" in logRoot ? fail("log_inclusion", "log_proof_malformed", logRoot.error)
      : logRoot.root === target ? pass("log_inclusion") : fail("log_inclusion", "log_root_mismatch", "the log proof does not lead to the checkpoint root", target, logRoot.root),
    checkDeviceRegistered(h.device, f, h.kind),
    checkNotRevoked(b.log.index, b.anchor, f),
  ];
}
