// Missing openings in a streamed audit (PROTOCOL §7, as check-erasures.ts): a stub or personal-erased record is
// erased iff an erasure record later in the log targets it with the matching scope, signed by a service key.
// Only the stubs and the erasure claims of the audited range are held (few: one per erased record).
import { toHex32 } from "../../core/index.ts";
import type { ChainDeviceStatus } from "../../sdk/ledger-anchor.ts";
import type { ErasureClaim, RecordEntry } from "../audit/collect.ts";
import type { FindingLog } from "../audit/findings.ts";

type Stub = { index: number; device: string; seq: number; hash: string; kind: string; scope: ErasureClaim["scope"] };
export type OpeningCounts = { full: number; personalErased: number; stubs: number; erased: number; invalid: number };

export class PendingErasures {
  readonly counts: OpeningCounts = { full: 0, personalErased: 0, stubs: 0, erased: 0, invalid: 0 };
  readonly #stubs: Stub[] = [];
  readonly #claims = new Map<string, ErasureClaim[]>();

  record(r: RecordEntry): void {
    if (r.openings === "full") this.counts.full++;
    else if (r.openings === "invalid") this.counts.invalid++;
    else this.#stubs.push({ index: r.index, device: r.device, seq: r.seq, hash: toHex32(r.hash), kind: r.kind, scope: r.openings === "stub" ? "body" : "personal" });
  }

  claim(c: ErasureClaim): void {
    const list = this.#claims.get(c.target);
    if (list) list.push(c);
    else this.#claims.set(c.target, [c]);
  }

  /** The signers whose roles the evidence needs. */
  signers(): string[] {
    return [...new Set([...this.#claims.values()].flat().map((c) => c.signer))];
  }

  finish(status: (address: string) => ChainDeviceStatus | undefined, findings: FindingLog): void {
    for (const s of this.#stubs) {
      const problems: string[] = [];
      const evidence = (this.#claims.get(s.hash) ?? []).find((c) => {
        const signer = status(c.signer);
        const problem = c.targetDevice !== s.device || c.targetSeq !== s.seq ? `erasure at leaf ${c.index} names ${c.targetDevice} seq ${c.targetSeq}`
          : c.scope !== s.scope ? `erasure at leaf ${c.index} has scope ${c.scope}, not ${s.scope}`
          : c.index <= s.index ? `erasure at leaf ${c.index} is not later in the log than leaf ${s.index}`
          : !signer?.registered || signer.role !== "service" ? `erasure at leaf ${c.index} is signed by ${c.signer}, not a service key`
          : null;
        if (problem !== null) problems.push(problem);
        return problem === null;
      });
      if (evidence) { this.counts.erased++; continue; }
      if (s.scope === "body") this.counts.stubs++;
      else this.counts.personalErased++;
      findings.add({
        code: s.scope === "body" ? "BODY_MISSING" : "PERSONAL_MISSING", device: s.device, seq: s.seq, index: s.index,
        message: `${s.kind} record seq ${s.seq} of ${s.device} (leaf ${s.index}) has ${s.scope === "body" ? "no body (a stub)" : "no personal opening"} and no valid erasure evidence${problems.length ? `; ${problems.join("; ")}` : "; the audited range holds no erasure record targeting it"}`,
        expected: `an erasure record of scope ${s.scope} by a service key, later than leaf ${s.index}`, computed: problems.length ? problems : "none",
      });
    }
  }
}
