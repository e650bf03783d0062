// The `erasure` check of verifyBundleV2 (PROTOCOL §7, §11): an erasure bundle is evidence for a missing
// opening iff it verifies on its own, is a full erasure record targeting this record with the matching scope,
// is in the same log after the target, and was signed by a key LedgerAnchor lists with the SERVICE role.
import type { ErasureBody } from "./bodies.ts";
import type { BundleV2 } from "./bundle.ts";
import { fail, pass, type CheckCodeV2, type CheckV2 } from "./checks.ts";
import type { ParsedChainFactsV2, ParsedSubjectFactsV2 } from "./facts.ts";
import { isFull } from "./record.ts";
import type { Openings } from "./record-check.ts";

/** Verifies an erasure bundle against its facts (injected: verifyBundleV2 itself, to keep modules acyclic). */
export type VerifyErasure = (bundle: unknown, facts: ParsedSubjectFactsV2) => { ok: boolean; checks: CheckV2[] };

const no = (code: CheckCodeV2, message: string, expected?: unknown, computed?: unknown) => fail("erasure", code, message, expected, computed);

export function checkErasure(b: BundleV2, f: ParsedChainFactsV2, openings: Openings | null, verify: VerifyErasure): CheckV2 {
  const e = b.erasure;
  if (e === undefined) return pass("erasure", "no erasure record");
  if (f.erasure === undefined) return no("erasure_facts_missing", "the bundle carries an erasure record but no chain facts were given for it", "chainFacts.erasure", null);
  if (!isFull(e.record) || e.record.header.kind !== "erasure") return no("erasure_kind_mismatch", "the erasure bundle must hold a full record of kind erasure", "erasure", isFull(e.record) ? e.record.header.kind : "stub");
  const body = e.record.body as ErasureBody, h = b.record.header;
  if (body.target !== b.recordHash || body.targetDevice !== h.device || body.targetSeq !== h.seq) {
    return no("erasure_target_mismatch", "the erasure record targets another record", { target: b.recordHash, targetDevice: h.device, targetSeq: h.seq },
      { target: body.target, targetDevice: body.targetDevice, targetSeq: body.targetSeq });
  }
  const wanted = openings === "stub" ? "body" : openings === "personal_erased" ? "personal" : null;
  if (body.scope !== wanted) return no("erasure_scope_mismatch", `an erasure of scope ${body.scope} does not explain a ${openings ?? "failed"} record`, wanted, body.scope);
  if (e.anchor.chainId !== b.anchor.chainId || e.anchor.contract !== b.anchor.contract) {
    return no("erasure_log_mismatch", "the erasure record is anchored in another log", { chainId: b.anchor.chainId, contract: b.anchor.contract }, { chainId: e.anchor.chainId, contract: e.anchor.contract });
  }
  if (e.log.index <= b.log.index) return no("erasure_not_later", "the erasure record is not later in the log than its target", `> ${b.log.index}`, e.log.index);
  if (f.erasure.device.role !== "service") return no("erasure_signer_not_service", "the erasure record's signer is not a service key", "service", f.erasure.device.role);
  const inner = verify(e, f.erasure);
  if (!inner.ok) {
    const failed = inner.checks.filter((c) => !c.ok);
    return no("erasure_invalid", `the erasure bundle does not verify: ${failed.map((c) => `${c.name} (${c.code})`).join(", ")}`, "every check ok", failed.map((c) => c.code));
  }
  return pass("erasure", `erasure of scope ${body.scope} by ${e.record.header.device} at log index ${e.log.index}`);
}
