// Worker thread of the audit: parses and hashes record lines, and recovers envelope signers (secp256k1 recovery,
// ~1.5 ms each), so the main thread only reads lines and keeps the results.
import { parentPort } from "node:worker_threads";
import { envelopeDomain, recoverEnvelopeSigner, type EnvelopeHeader } from "../../core/index.ts";
import { processRecordText, type RecordOutcome } from "./record-line.ts";

export type SignatureJob = { id: string; header: EnvelopeHeader; signature: string };
export type WorkerRequest =
  | { kind: "records"; keepReadings: boolean; items: [source: string, line: number, text: string][] }
  | { kind: "signatures"; chainId: number; contract: string; jobs: SignatureJob[] };
export type WorkerReply = { kind: "records"; outcomes: RecordOutcome[] } | { kind: "signatures"; signers: [id: string, signer: string][] };

/** The recovered signer address, or a description of why there is none (never equal to an address). */
export function recoverSigner(job: SignatureJob, domain: ReturnType<typeof envelopeDomain>): string {
  try {
    return recoverEnvelopeSigner(job.header, job.signature, domain);
  } catch (err) {
    return `unrecoverable (${(err as Error).message})`;
  }
}

export function handle(req: WorkerRequest): WorkerReply {
  if (req.kind === "records") {
    return { kind: "records", outcomes: req.items.map(([source, line, text]) => {
      const o = processRecordText(text, `${source}:${line}`, line, req.keepReadings);
      // Own 32-byte copies: a Buffer may view a larger pooled ArrayBuffer, which postMessage would clone whole.
      return o.entry ? { ...o, entry: { ...o.entry, hash: new Uint8Array(o.entry.hash) as Buffer } } : o;
    }) };
  }
  const domain = envelopeDomain(req.chainId, req.contract);
  return { kind: "signatures", signers: req.jobs.map((j) => [j.id, recoverSigner(j, domain)]) };
}

parentPort?.on("message", (msg: { id: number; req: WorkerRequest }) => {
  parentPort!.postMessage({ id: msg.id, reply: handle(msg.req) });
});
