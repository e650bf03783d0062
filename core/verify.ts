// verifyBundle: the pure verifier of a proof bundle against facts read from the chain.
import { BundleSchema, ChainFactsSchema, type ChainFacts, type Check, type VerifyResult } from "./bundle.ts";
import {
  checkAnchorTx, checkChainId, checkCheckpoint, checkContract, checkDeviceRegistered, checkEnvelopeDevice, checkEnvelopeInclusion,
  checkEnvelopeLastHash, checkEnvelopeSeq, checkLogInclusion, checkLogSize, checkNotRevoked, checkRecordHash, checkSignature,
} from "./verify-checks.ts";

/**
 * Runs every check of docs/PROTOCOL.md §Verification. A bundle or facts that do not parse yield only the failed
 * `schema` check (nothing else can be evaluated); otherwise every check is listed, each failure with its own code.
 */
export function verifyBundle(bundle: unknown, chainFacts: ChainFacts): VerifyResult {
  const parsed = BundleSchema.safeParse(bundle);
  const facts = ChainFactsSchema.safeParse(chainFacts);
  if (!parsed.success || !facts.success) {
    const issue = (parsed.success ? facts.error : parsed.error)!.issues[0];
    const where = parsed.success ? "chainFacts" : "bundle";
    const path = [where, ...(issue?.path ?? [])].join(".");
    const check: Check = { name: "schema", ok: false, code: "bundle_schema", message: `${path}: ${issue?.message ?? "invalid"}`, computed: path };
    return { ok: false, checks: [check] };
  }
  const b = parsed.data, f = facts.data;
  const checks: Check[] = [
    { name: "schema", ok: true },
    checkRecordHash(b),
    checkEnvelopeDevice(b),
    checkEnvelopeSeq(b),
    checkEnvelopeInclusion(b),
    checkEnvelopeLastHash(b),
    checkSignature(b, f),
    checkChainId(b, f),
    checkContract(b, f),
    checkCheckpoint(b, f),
    checkAnchorTx(b, f),
    checkLogSize(b),
    checkLogInclusion(b, f),
    checkDeviceRegistered(b, f),
    checkNotRevoked(b, f),
  ];
  return { ok: checks.every((c) => c.ok), checks };
}
