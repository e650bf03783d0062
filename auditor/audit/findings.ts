// Audit findings: what is wrong, where, and the evidence (expected vs computed). Codes: docs/AUDIT-FORMAT.md §3.

export const FINDING_CODES = [
  "EXPORT_MALFORMED", "EXPORT_TRUNCATED", "EXPORT_CHAIN_MISMATCH",
  "RECORD_HASH_MISMATCH", "RECORD_NOT_IN_LOG", "LEAF_WITHOUT_RECORD", "LEAF_DUPLICATE",
  "BODY_COMMITMENT_MISMATCH", "PERSONAL_COMMITMENT_MISMATCH", "STREAM_ID_MISMATCH", "RECORD_OPENING_INVALID", "BODY_MISSING", "PERSONAL_MISSING",
  "ENVELOPE_UNKNOWN", "ENVELOPE_RECORD_MISMATCH", "ENVELOPE_INCOMPLETE", "ENVELOPE_ROOT_MISMATCH", "ENVELOPE_SIGNATURE_INVALID",
  "DEVICE_NOT_REGISTERED", "DEVICE_ROLE_MISMATCH", "DEVICE_SNAPSHOT_MISMATCH", "DEVICE_MISSING_FROM_EXPORT", "DEVICE_RECORDS_MISSING", "RECORD_AFTER_REVOCATION",
  "SEQ_GAP", "PREV_MISMATCH", "SEQ_EQUIVOCATION", "SEQ_OUT_OF_ORDER",
  "STREAM_SEQ_GAP", "STREAM_PREV_MISMATCH", "STREAM_SEQ_EQUIVOCATION", "STREAM_TIME_ORDER", "STREAM_NAME_CONFLICT",
  "CHECKPOINT_ROOT_MISMATCH", "CHECKPOINT_STORED_MISMATCH", "CHECKPOINT_MISSING", "CHECKPOINT_HISTORY_HOLE",
  "CHECKPOINT_INCONSISTENT", "CHECKPOINT_PAST_SUCCESSION", "ANCHOR_TX_MISMATCH", "RECORD_UNANCHORED_PAST_SLA",
  // The incremental audit's saved state (auditor/incremental/): it names another chain or contract, its root is not
  // the chain's at its checkpoint, or the service cannot prove the log grew from it (a fork or a rewrite).
  "STATE_CHAIN_MISMATCH", "STATE_ROOT_MISMATCH", "CONSISTENCY_PROOF_INVALID",
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export type Finding = {
  code: FindingCode;
  message: string;
  device?: string;
  /** Devices the evidence points to without proving one (e.g. registered devices absent from the export). */
  devices?: string[];
  seq?: number;
  /** Stream id (header.stream) of a stream chain finding. */
  stream?: string;
  index?: number;
  checkpoint?: number;
  envelope?: string;
  line?: number;
  expected?: unknown;
  computed?: unknown;
};

/**
 * Collects findings. A tampered ledger can produce one finding per record, so only the first `keepPerCode` of each
 * code are kept in full; every finding is still counted.
 */
export class FindingLog {
  readonly #kept: Finding[] = [];
  readonly #counts = new Map<FindingCode, number>();
  readonly #keepPerCode: number;

  constructor(keepPerCode = 200) {
    this.#keepPerCode = keepPerCode;
  }

  add(finding: Finding): void {
    const n = (this.#counts.get(finding.code) ?? 0) + 1;
    this.#counts.set(finding.code, n);
    if (n <= this.#keepPerCode) this.#kept.push(finding);
  }

  get total(): number {
    let total = 0;
    for (const n of this.#counts.values()) total += n;
    return total;
  }

  /** Count per code, in the order of FINDING_CODES. */
  counts(): Partial<Record<FindingCode, number>> {
    const out: Partial<Record<FindingCode, number>> = {};
    for (const code of FINDING_CODES) {
      const n = this.#counts.get(code);
      if (n) out[code] = n;
    }
    return out;
  }

  has(code: FindingCode): boolean {
    return this.#counts.has(code);
  }

  list(): readonly Finding[] {
    return this.#kept;
  }
}
