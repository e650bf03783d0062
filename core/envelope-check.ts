// checkEnvelopeV2 (PROTOCOL §8): every record opens its header, records chain per device and per stream
// within the envelope, the header matches, and the device signed it. What needs storage — the first record of
// the device and of each stream against the stored heads — is the caller's; `streams` gives it what it needs.
import type { Address, Hex32 } from "./hex.ts";
import { EnvelopeV2Error, OtledgerError, RecordError, type EnvelopeV2ErrorCode, type Path } from "./errors.ts";
import { recordsRoot, recoverEnvelopeSignerV2, type Eip712DomainV2, type EnvelopeHeader, type EnvelopeV2 } from "./envelope.ts";
import { checkRecord } from "./record-check.ts";
import type { Timestamp } from "./time.ts";

/** Per stream of the envelope: where it must attach to the stored head, and its new head. */
export type EnvelopeStream = {
  stream: Hex32;
  name: string;
  first: { index: number; streamSeq: number; streamPrev: Hex32 | null; from: Timestamp };
  last: { index: number; hash: Hex32; streamSeq: number; to: Timestamp };
};
export type CheckedEnvelopeV2 = { header: EnvelopeHeader; signer: Address; recordHashes: Hex32[]; canonicals: string[]; streams: EnvelopeStream[] };

const fail = (code: EnvelopeV2ErrorCode, message: string, path: Path, expected?: unknown, computed?: unknown) =>
  new EnvelopeV2Error(code, message, path, { expected, computed });

/** Checks a schema-valid v2 envelope (each record is re-checked by checkRecord); throws EnvelopeV2Error. */
export function checkEnvelopeV2(envelope: EnvelopeV2, domain: Eip712DomainV2): CheckedEnvelopeV2 {
  const { header, records } = envelope;
  const hashes: Hex32[] = [], canonicals: string[] = [];
  const streams = new Map<Hex32, EnvelopeStream>(), names = new Map<string, Hex32>();
  records.forEach((r, i) => {
    let checked;
    try {
      checked = checkRecord(r);
    } catch (err) {
      if (err instanceof RecordError) throw fail(err.code, `record ${i}: ${err.message}`, ["records", i, ...err.path], err.expected, err.computed);
      throw err;
    }
    if (checked.openings !== "full") throw fail("envelope_record_not_full", `record ${i} lacks its personal opening`, ["records", i, "personal"], "full", checked.openings);
    const h = checked.header, at = (field: string): Path => ["records", i, "header", field];
    if (h.device !== header.device) throw fail("envelope_device_mismatch", `record ${i} is from ${h.device}, the header from ${header.device}`, at("device"), header.device, h.device);
    if (h.seq !== header.firstSeq + i) throw fail("envelope_seq_gap", `record ${i} has seq ${h.seq}`, at("seq"), header.firstSeq + i, h.seq);
    if (i > 0 && h.prev !== hashes[i - 1]) throw fail("envelope_prev_mismatch", `record ${i} does not chain to record ${i - 1}`, at("prev"), hashes[i - 1], h.prev);
    const name = checked.stream!.name, known = names.get(name);
    if (known !== undefined && known !== h.stream) throw fail("stream_name_conflict", `stream ${JSON.stringify(name)} appears under two ids`, at("stream"), known, h.stream);
    names.set(name, h.stream);
    const s = streams.get(h.stream);
    if (s !== undefined) {
      if (h.streamSeq !== s.last.streamSeq + 1) throw fail("envelope_stream_seq_gap", `record ${i} is not the next of its stream`, at("streamSeq"), s.last.streamSeq + 1, h.streamSeq);
      if (h.streamPrev !== s.last.hash) throw fail("envelope_stream_prev_mismatch", `record ${i} does not chain to its stream's previous record`, at("streamPrev"), s.last.hash, h.streamPrev);
      if (h.from < s.last.to) throw fail("envelope_stream_time_order", `record ${i} starts before its stream's previous record ends`, at("from"), `>= ${s.last.to}`, h.from);
    }
    canonicals.push(checked.canonical);
    hashes.push(checked.hash);
    const last = { index: i, hash: checked.hash, streamSeq: h.streamSeq, to: h.to };
    if (s === undefined) streams.set(h.stream, { stream: h.stream, name, first: { index: i, streamSeq: h.streamSeq, streamPrev: h.streamPrev, from: h.from }, last });
    else s.last = last;
  });
  if (header.count !== records.length) throw fail("envelope_count_mismatch", `header.count is ${header.count} but ${records.length} records were sent`, ["header", "count"], records.length, header.count);
  const root = recordsRoot(hashes);
  if (header.recordsRoot !== root) throw fail("envelope_root_mismatch", "header.recordsRoot is not the root of the record hashes", ["header", "recordsRoot"], root, header.recordsRoot);
  if (header.lastHash !== hashes.at(-1)) throw fail("envelope_last_hash_mismatch", "header.lastHash is not the hash of the last record", ["header", "lastHash"], hashes.at(-1), header.lastHash);
  let signer: Address;
  try {
    signer = recoverEnvelopeSignerV2(header, envelope.signature, domain);
  } catch (err) {
    throw fail("signature_invalid", (err as Error).message, ["signature"], undefined, (err as OtledgerError).computed);
  }
  if (signer !== header.device) throw fail("signature_signer_mismatch", `signature recovers to ${signer}, not ${header.device}`, ["signature"], header.device, signer);
  return { header, signer, recordHashes: hashes, canonicals, streams: [...streams.values()] };
}
