// One envelope at a time: the export sends each envelope just before its records, which sit at consecutive
// leaves, so only the current envelope and its record hashes are held. When the next envelope (or the leaves)
// begins, its signature is checked against the auditor's own EIP-712 domain and its records rebuilt into
// recordsRoot and lastHash (as check-envelopes.ts does for a whole export).
import { envelopeDomainV2, MerkleTree, recoverEnvelopeSignerV2, toHex32, type Eip712DomainV2 } from "../../core/index.ts";
import type { RecordEntry } from "../audit/collect.ts";
import type { FindingLog } from "../audit/findings.ts";
import type { EnvelopeLine } from "../format/lines.ts";

export type EnvelopeStats = { envelopes: number; signaturesVerified: number; rootsChecked: number; partial: number };

export class EnvelopeChecker {
  readonly stats: EnvelopeStats = { envelopes: 0, signaturesVerified: 0, rootsChecked: 0, partial: 0 };
  readonly #domain: Eip712DomainV2;
  /** Records below this leaf were audited before (resume): an envelope that starts there is partial, not incomplete. */
  readonly #fromIndex: number;
  readonly #findings: FindingLog;
  #current: EnvelopeLine | null = null;
  #hashes: Buffer[] = [];
  #firstLeaf = Number.POSITIVE_INFINITY;

  constructor(domainOf: { chainId: number; contract: string }, fromIndex: number, findings: FindingLog) {
    this.#domain = envelopeDomainV2(domainOf.chainId, domainOf.contract);
    this.#fromIndex = fromIndex;
    this.#findings = findings;
  }

  begin(line: EnvelopeLine): void {
    this.finish();
    this.#current = line;
    this.stats.envelopes++;
  }

  /** A record, in export order: it must belong to the envelope sent just before it. */
  record(r: RecordEntry): void {
    const e = this.#current;
    if (e === null || r.envelope !== e.id) {
      this.#findings.add({ code: "ENVELOPE_UNKNOWN", message: `record ${r.device} seq ${r.seq} names envelope ${r.envelope}, which is not the envelope sent before it`,
        device: r.device, seq: r.seq, index: r.index, envelope: r.envelope });
      return;
    }
    const h = e.header, last = h.firstSeq + h.count - 1;
    if (r.device !== h.device || r.seq < h.firstSeq || r.seq > last) {
      this.#findings.add({ code: "ENVELOPE_RECORD_MISMATCH", message: `record at leaf ${r.index} (${r.device} seq ${r.seq}) does not fit envelope ${e.id} (${h.device} seq ${h.firstSeq}…${last})`,
        device: r.device, seq: r.seq, index: r.index, envelope: e.id, expected: { device: h.device, seq: [h.firstSeq, last] }, computed: { device: r.device, seq: r.seq } });
      return;
    }
    if (this.#hashes.length === 0) this.#firstLeaf = r.index - (r.seq - h.firstSeq);
    this.#hashes.push(r.hash);
  }

  /** Checks the current envelope (call once more after the last record). */
  finish(): void {
    const e = this.#current;
    if (e === null) return;
    this.#current = null;
    const hashes = this.#hashes, firstLeaf = this.#firstLeaf;
    this.#hashes = [];
    this.#firstLeaf = Number.POSITIVE_INFINITY;
    const { header } = e, last = header.firstSeq + header.count - 1;
    let signer: string;
    try {
      signer = recoverEnvelopeSignerV2(header, e.signature, this.#domain);
    } catch (err) {
      signer = `unrecoverable (${(err as Error).message})`;
    }
    this.stats.signaturesVerified++;
    if (signer !== header.device) {
      this.#findings.add({ code: "ENVELOPE_SIGNATURE_INVALID", message: `envelope ${e.id}: the signature does not recover to ${header.device}`,
        device: header.device, seq: header.firstSeq, envelope: e.id, expected: header.device, computed: signer });
    }
    if (hashes.length < header.count) {
      this.stats.partial++;
      // Its first records were audited by an earlier run (the resume point split it): nothing to rebuild.
      if (firstLeaf < this.#fromIndex) return;
      this.#findings.add({ code: "ENVELOPE_INCOMPLETE", message: `envelope ${e.id} (${header.device} seq ${header.firstSeq}…${last}) has ${hashes.length} of its ${header.count} records`,
        device: header.device, seq: header.firstSeq, envelope: e.id, expected: header.count, computed: hashes.length });
      return;
    }
    const root = toHex32(MerkleTree.fromLeafHashes(hashes).root());
    const lastHash = toHex32(hashes[hashes.length - 1]!);
    this.stats.rootsChecked++;
    if (root !== header.recordsRoot || lastHash !== header.lastHash) {
      this.#findings.add({ code: "ENVELOPE_ROOT_MISMATCH", message: `envelope ${e.id} (${header.device} seq ${header.firstSeq}…${last}): its records do not rebuild the signed ${root !== header.recordsRoot ? "recordsRoot" : "lastHash"}`,
        device: header.device, seq: header.firstSeq, envelope: e.id,
        expected: { recordsRoot: header.recordsRoot, lastHash: header.lastHash }, computed: { recordsRoot: root, lastHash } });
    }
  }
}
