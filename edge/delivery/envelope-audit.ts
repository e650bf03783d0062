/**
 * Self-audit of one acknowledged envelope with a single envelope proof (PROTOCOL §11.1,
 * otledger.envelope-proof/2): the agent rehashes the headers of the records it still holds in its spool, checks
 * them against the proof's leaves in order, and runs core's verifyEnvelopeProofV2 (recordsRoot, its own signature, the range proof against the root read from
 * LedgerAnchor, the revocation rule) with chain facts it reads itself.
 */
import { EnvelopeProofV2Schema, recordHash, verifyEnvelopeProofV2, type ChainFactsV2 as ChainFacts, type FullRecord } from "../../core/index.ts";
import type { AwaitingAudit } from "../spool/spool.ts";
import type { CachedChainFacts as ChainFactsReader } from "../../sdk/chain-facts.ts";
import type { LedgerClient } from "../../sdk/ledger-client.ts";

export type EnvelopeVerdict =
  | { result: "verified" }
  | { result: "pending"; unknown: boolean }
  | { result: "failed"; message: string }
  /** The ledger has no envelope at firstSeq holding these records (a receipt written on resync spans no single
   * envelope): the caller verifies them one by one. */
  | { result: "not_an_envelope" };

/** Verifies the held records `rows` (all of envelope `firstSeq`, in seq order) against the ledger and the chain. */
export async function auditEnvelope(
  client: LedgerClient, chain: ChainFactsReader, device: string, deviceStatus: ChainFacts["device"], firstSeq: number, rows: readonly AwaitingAudit[],
): Promise<EnvelopeVerdict> {
  const answer = await client.envelopeProof(device, firstSeq);
  if (answer === null) return { result: "not_an_envelope" };
  if (answer.status === "pending") return { result: "pending", unknown: false };
  const parsed = EnvelopeProofV2Schema.safeParse(answer.proof);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { result: "failed", message: `the envelope proof does not parse: ${issue?.path.join(".")}: ${issue?.message}` };
  }
  const proof = parsed.data;
  if (proof.header.device !== device || proof.header.firstSeq !== firstSeq) {
    return { result: "failed", message: `ledger answered with envelope ${proof.header.device}/${proof.header.firstSeq}, not ${device}/${firstSeq}` };
  }
  if (rows.at(-1)!.seq >= firstSeq + proof.header.count) return { result: "not_an_envelope" };
  for (const row of rows) {
    // rehash what we signed: the record hash is the hash of its header (the spool keeps the full record)
    const ours = recordHash((JSON.parse(row.json) as FullRecord).header);
    if (ours !== row.hash) return { result: "failed", message: `spool record ${row.seq} no longer hashes to ${row.hash}` };
    const theirs = proof.recordHashes[row.seq - firstSeq];
    if (theirs !== ours) return { result: "failed", message: `the ledger's leaf for record ${row.seq} is ${theirs ?? "missing"}, not ${ours}` };
  }
  const verdict = verifyEnvelopeProofV2(proof, await chain.envelopeFacts(proof, deviceStatus));
  if (!verdict.ok) {
    const failed = verdict.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.code}`).join(", ");
    return { result: "failed", message: `envelope ${firstSeq}..${firstSeq + proof.header.count - 1} failed verification against the chain: ${failed}` };
  }
  return { result: "verified" };
}
