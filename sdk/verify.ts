// Fetch-and-verify: the document comes from the ledger service, the facts from LedgerAnchor, the judgement from
// core. A service that answers "pending" or "unknown" is reported as such, never as verified.
import type { LedgerAnchorReader } from "./ledger-anchor.ts";
import type { LedgerClient } from "./ledger-client.ts";
import type { StreamAnswerQuery } from "./stream-answer-route.ts";
import { verifyDocument, type DocumentVerdict } from "./verify-document.ts";

export type Fetched<T> =
  | { status: "verified" | "failed"; verdict: T; document: unknown }
  | { status: "pending"; retryAfterSeconds?: number; body?: unknown }
  | { status: "unknown" };

const judged = (verdict: DocumentVerdict, document: unknown): Fetched<DocumentVerdict> =>
  ({ status: verdict.ok ? "verified" : "failed", verdict, document });

/** GET /v1/records/{hash}/proof, then core's verifyBundleV2 with facts read from the chain. */
export async function verifyRecord(client: LedgerClient, reader: LedgerAnchorReader, hash: string): Promise<Fetched<DocumentVerdict>> {
  const answer = await client.proof(hash);
  if (answer === null) return { status: "unknown" };
  if (answer.status === "pending") return { status: "pending", body: answer.body };
  const verdict = await verifyDocument(answer.bundle, reader);
  // a bundle for another record would verify on its own terms: it is still not the answer asked for
  const recordHash = (answer.bundle as { recordHash?: unknown }).recordHash;
  if (verdict.ok && recordHash !== hash.toLowerCase()) {
    verdict.ok = false;
    verdict.checks.push({ name: "requested_record", ok: false, code: "answer_mismatch", expected: hash.toLowerCase(), computed: recordHash, message: "the service answered with a bundle for another record" });
  }
  return judged(verdict, answer.bundle);
}

/** GET /v1/envelopes/{device}/{firstSeq}/proof, then core's verifyEnvelopeProofV2. */
export async function verifyEnvelope(client: LedgerClient, reader: LedgerAnchorReader, device: string, firstSeq: number): Promise<Fetched<DocumentVerdict>> {
  const answer = await client.envelopeProof(device, firstSeq);
  if (answer === null) return { status: "unknown" };
  if (answer.status === "pending") return { status: "pending", body: answer.body };
  const verdict = await verifyDocument(answer.proof, reader);
  const header = (answer.proof as { header?: { device?: unknown; firstSeq?: unknown } }).header;
  if (verdict.ok && (header?.device !== device.toLowerCase() || header?.firstSeq !== firstSeq)) {
    verdict.ok = false;
    verdict.checks.push({ name: "requested_envelope", ok: false, code: "answer_mismatch", expected: { device: device.toLowerCase(), firstSeq }, computed: { device: header?.device, firstSeq: header?.firstSeq }, message: "the service answered with another envelope's proof" });
  }
  return judged(verdict, answer.proof);
}

/** GET /v1/streams/answer, then core's verifyStreamAnswer: 202 is pending (with the service's retry hint), 404 unknown. */
export async function verifyStreamAnswer(client: LedgerClient, reader: LedgerAnchorReader, query: StreamAnswerQuery): Promise<Fetched<DocumentVerdict>> {
  const answer = await client.streamAnswer(query);
  if (answer === null) return { status: "unknown" };
  if (answer.status === "pending") return { status: "pending", retryAfterSeconds: answer.retryAfterSeconds };
  const verdict = await verifyDocument(answer.answer, reader);
  const a = answer.answer as { device?: unknown; stream?: { name?: unknown } };
  if (verdict.ok && (a.device !== query.device.toLowerCase() || a.stream?.name !== query.name)) {
    verdict.ok = false;
    verdict.checks.push({ name: "requested_stream", ok: false, code: "answer_mismatch", expected: { device: query.device.toLowerCase(), name: query.name }, computed: { device: a.device, name: a.stream?.name }, message: "the service answered for another stream" });
  }
  return judged(verdict, answer.answer);
}
