// Envelopes: each signature verified once against the auditor's own EIP-712 domain (version "2"); each complete envelope's
// records rebuilt into recordsRoot and lastHash.
import { envelopeDomainV2, MerkleTree, recoverEnvelopeSignerV2, toHex32 } from "../../core/index.ts";
import type { Collected, RecordEntry } from "./collect.ts";
import type { FindingLog } from "./findings.ts";
import type { Signers } from "./signatures.ts";

export type EnvelopeStats = { envelopes: number; signaturesVerified: number; rootsChecked: number; partial: number };

/** Records grouped by the envelope they claim; records naming an unknown envelope are reported and dropped. */
export function groupByEnvelope(c: Collected, findings: FindingLog): Map<string, RecordEntry[]> {
  const groups = new Map<string, RecordEntry[]>();
  for (const id of c.envelopes.keys()) groups.set(id, []);
  for (const r of c.records) {
    const group = groups.get(r.envelope);
    if (group) group.push(r);
    else findings.add({ code: "ENVELOPE_UNKNOWN", message: `record ${r.device} seq ${r.seq} names envelope ${r.envelope}, which the export never sent`,
      device: r.device, seq: r.seq, index: r.index, envelope: r.envelope });
  }
  return groups;
}

export function checkEnvelopes(
  c: Collected,
  groups: Map<string, RecordEntry[]>,
  domainOf: { chainId: number; contract: string },
  findings: FindingLog,
  onProgress?: (done: number) => void,
  signers: Signers | null = null,
): EnvelopeStats {
  const domain = envelopeDomainV2(domainOf.chainId, domainOf.contract);
  // Signers recovered while reading are usable only if they were recovered for the domain audited now.
  const known = signers && signers.chainId === domainOf.chainId && signers.contract === domainOf.contract ? signers.byEnvelope : null;
  const full = c.header?.scope === "full";
  const stats: EnvelopeStats = { envelopes: c.envelopes.size, signaturesVerified: 0, rootsChecked: 0, partial: 0 };
  for (const [id, envelope] of c.envelopes) {
    const { header } = envelope;
    let signer = known?.get(id);
    if (signer === undefined) {
      try {
        signer = recoverEnvelopeSignerV2(header, envelope.signature, domain);
      } catch (err) {
        signer = `unrecoverable (${(err as Error).message})`;
      }
    }
    stats.signaturesVerified++;
    onProgress?.(stats.signaturesVerified);
    if (signer !== header.device) {
      findings.add({ code: "ENVELOPE_SIGNATURE_INVALID", message: `envelope ${id}: the signature does not recover to ${header.device}`,
        device: header.device, seq: header.firstSeq, envelope: id, expected: header.device, computed: signer });
    }
    const records = (groups.get(id) ?? []).slice().sort((a, b) => a.seq - b.seq || a.index - b.index);
    const last = header.firstSeq + header.count - 1;
    for (const r of records) {
      if (r.device !== header.device || r.seq < header.firstSeq || r.seq > last) {
        findings.add({ code: "ENVELOPE_RECORD_MISMATCH", message: `record at leaf ${r.index} (${r.device} seq ${r.seq}) does not fit envelope ${id} (${header.device} seq ${header.firstSeq}…${last})`,
          device: r.device, seq: r.seq, index: r.index, envelope: id, expected: { device: header.device, seq: [header.firstSeq, last] }, computed: { device: r.device, seq: r.seq } });
      }
    }
    if (records.length < header.count) {
      stats.partial++;
      if (full) {
        findings.add({ code: "ENVELOPE_INCOMPLETE", message: `envelope ${id} (${header.device} seq ${header.firstSeq}…${last}) has ${records.length} of its ${header.count} records`,
          device: header.device, seq: header.firstSeq, envelope: id, expected: header.count, computed: records.length });
      }
      continue;
    }
    const root = toHex32(MerkleTree.fromLeafHashes(records.map((r) => r.hash)).root());
    const lastHash = toHex32(records[records.length - 1]!.hash);
    stats.rootsChecked++;
    if (root !== header.recordsRoot || lastHash !== header.lastHash) {
      findings.add({ code: "ENVELOPE_ROOT_MISMATCH", message: `envelope ${id} (${header.device} seq ${header.firstSeq}…${last}): its records do not rebuild the signed ${root !== header.recordsRoot ? "recordsRoot" : "lastHash"}`,
        device: header.device, seq: header.firstSeq, envelope: id,
        expected: { recordsRoot: header.recordsRoot, lastHash: header.lastHash }, computed: { recordsRoot: root, lastHash } });
    }
  }
  return stats;
}
