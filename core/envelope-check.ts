// Full consistency check of a submitted envelope: every error names the field (path) and keeps the evidence.
import { EnvelopeError } from "./errors.ts";
import { canonicalString } from "./canonical.ts";
import { leafHash } from "./hash.ts";
import { toHex32, type Address, type Hex32 } from "./hex.ts";
import { recordsRoot, recoverEnvelopeSigner, type Eip712Domain, type Envelope, type EnvelopeHeader } from "./envelope.ts";

/** `canonicals` is each record's RFC 8785 text, exactly what was hashed: storage keeps it without recomputing it. */
export type CheckedEnvelope = { header: EnvelopeHeader; signer: Address; recordHashes: Hex32[]; canonicals: string[] };

/**
 * Checks a schema-valid envelope: records are consecutive (seq and prev chain) for header.device starting at
 * header.firstSeq, count/recordsRoot/lastHash match, and the signature recovers to header.device.
 * The link of records[0].prev to the device's previously stored record is the caller's (it needs storage).
 */
export function checkEnvelope(envelope: Envelope, domain: Eip712Domain): CheckedEnvelope {
  const { header, records } = envelope;
  const hashes: Hex32[] = [];
  const canonicals: string[] = [];
  records.forEach((r, i) => {
    if (r.device !== header.device) {
      throw new EnvelopeError("envelope_device_mismatch", `record ${i} is from ${r.device}, the header from ${header.device}`, ["records", i, "device"], { expected: header.device, computed: r.device });
    }
    if (r.seq !== header.firstSeq + i) {
      throw new EnvelopeError("envelope_seq_gap", `record ${i} has seq ${r.seq}, expected ${header.firstSeq + i}`, ["records", i, "seq"], { expected: header.firstSeq + i, computed: r.seq });
    }
    if (i > 0 && r.prev !== hashes[i - 1]) {
      throw new EnvelopeError("envelope_prev_mismatch", `record ${i} does not chain to record ${i - 1}`, ["records", i, "prev"], { expected: hashes[i - 1], computed: r.prev });
    }
    const canonical = canonicalString(r);
    canonicals.push(canonical);
    hashes.push(toHex32(leafHash(Buffer.from(canonical, "utf8"))));
  });
  if (header.count !== records.length) {
    throw new EnvelopeError("envelope_count_mismatch", `header.count is ${header.count} but ${records.length} records were sent`, ["header", "count"], { expected: records.length, computed: header.count });
  }
  const root = recordsRoot(hashes);
  if (header.recordsRoot !== root) {
    throw new EnvelopeError("envelope_root_mismatch", "header.recordsRoot is not the root of the record hashes", ["header", "recordsRoot"], { expected: root, computed: header.recordsRoot });
  }
  const last = hashes[hashes.length - 1]!;
  if (header.lastHash !== last) {
    throw new EnvelopeError("envelope_last_hash_mismatch", "header.lastHash is not the hash of the last record", ["header", "lastHash"], { expected: last, computed: header.lastHash });
  }
  const signer = recoverEnvelopeSigner(header, envelope.signature, domain);
  if (signer !== header.device) {
    throw new EnvelopeError("signature_signer_mismatch", `signature recovers to ${signer}, not ${header.device}`, ["signature"], { expected: header.device, computed: signer });
  }
  return { header, signer, recordHashes: hashes, canonicals };
}
