// Missing openings (PROTOCOL §7): a stub is *erased* iff the export holds an erasure record targeting it
// (hash, device, seq), of scope "body", later in the log, signed by a key LedgerAnchor lists with the service role;
// a personal-erased event likewise with scope "personal". Erased records are listed in the report, not findings.
// In a full export a stub without such evidence is BODY_MISSING (the body was deleted or withheld without a
// trace), a personal-erased event without it PERSONAL_MISSING. In a partial export stubs are expected (records
// outside a grant) and only counted.
import { toHex32 } from "../../core/index.ts";
import type { ChainView } from "./chain-view.ts";
import type { Collected, ErasureClaim, RecordEntry } from "./collect.ts";
import type { FindingLog } from "./findings.ts";

export type ErasedRecord = {
  index: number; device: string; seq: number; hash: string; kind: string; scope: ErasureClaim["scope"];
  erasure: { index: number; hash: string; signer: string; reason: string; requestedBy: string };
};
export type OpeningsSummary = { full: number; personalErased: number; stubs: number; erased: number; invalid: number };

/** At most this many erased records are listed in full (every one is counted). */
export const ERASED_LISTED = 1000;

/** Why a claim is no evidence for record `r`, or null when it is. */
function claimProblem(r: RecordEntry, claim: ErasureClaim, scope: ErasureClaim["scope"], chain: ChainView): string | null {
  if (claim.targetDevice !== r.device || claim.targetSeq !== r.seq) return `erasure at leaf ${claim.index} names ${claim.targetDevice} seq ${claim.targetSeq}`;
  if (claim.scope !== scope) return `erasure at leaf ${claim.index} has scope ${claim.scope}, not ${scope}`;
  if (claim.index <= r.index) return `erasure at leaf ${claim.index} is not later in the log than leaf ${r.index}`;
  const signer = chain.devices.get(claim.signer);
  if (!signer?.registered || signer.role !== "service") return `erasure at leaf ${claim.index} is signed by ${claim.signer}, ${signer?.registered ? `a ${signer.role} key` : "an unregistered key"}, not a service key`;
  return null;
}

export function checkErasures(c: Collected, chain: ChainView, findings: FindingLog): { erased: ErasedRecord[]; openings: OpeningsSummary } {
  const claims = new Map<string, ErasureClaim[]>();
  for (const e of c.erasures) {
    const list = claims.get(e.target);
    if (list) list.push(e);
    else claims.set(e.target, [e]);
  }
  const full = c.header?.scope === "full";
  const erased: ErasedRecord[] = [];
  const openings: OpeningsSummary = { full: 0, personalErased: 0, stubs: 0, erased: 0, invalid: 0 };
  for (const r of c.records) {
    if (r.openings === "full") { openings.full++; continue; }
    if (r.openings === "invalid") { openings.invalid++; continue; }
    const scope = r.openings === "stub" ? "body" : "personal";
    const hash = toHex32(r.hash);
    const candidates = claims.get(hash) ?? [];
    const problems: string[] = [];
    const evidence = candidates.find((claim) => {
      const problem = claimProblem(r, claim, scope, chain);
      if (problem !== null) problems.push(problem);
      return problem === null;
    });
    if (evidence) {
      openings.erased++;
      if (erased.length < ERASED_LISTED) {
        erased.push({ index: r.index, device: r.device, seq: r.seq, hash, kind: r.kind, scope,
          erasure: { index: evidence.index, hash: evidence.hash, signer: evidence.signer, reason: evidence.reason, requestedBy: evidence.requestedBy } });
      }
      continue;
    }
    if (scope === "body") openings.stubs++;
    else openings.personalErased++;
    if (!full) continue;
    const why = problems.length ? `; ${problems.join("; ")}` : "; the export holds no erasure record targeting it";
    findings.add({
      code: scope === "body" ? "BODY_MISSING" : "PERSONAL_MISSING", device: r.device, seq: r.seq, index: r.index,
      message: `${r.kind} record seq ${r.seq} of ${r.device} (leaf ${r.index}) has ${scope === "body" ? "no body (a stub)" : "no personal opening"} and no valid erasure evidence${why}`,
      expected: `an erasure record of scope ${scope} by a service key, later than leaf ${r.index}`, computed: candidates.length ? problems : "none",
    });
  }
  return { erased, openings };
}
