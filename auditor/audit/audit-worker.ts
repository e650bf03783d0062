// Worker thread of the audit: parses and hashes record lines, and recovers envelope signers (secp256k1 recovery,
// ~1.5 ms each), so the main thread only reads lines and keeps the results.
import { parentPort } from "node:worker_threads";
import { envelopeDomainV2, recoverEnvelopeSignerV2, type EnvelopeHeader } from "../../core/index.ts";
import { packOutcomes, type PackedRecords } from "./record-batch.ts";
import { processRecordText } from "./record-line.ts";

export type SignatureJob = { id: string; header: EnvelopeHeader; signature: string };
export type WorkerRequest =
  | { kind: "records"; keepReadings: boolean; items: [source: string, line: number, text: string][] }
  | { kind: "signatures"; chainId: number; contract: string; jobs: SignatureJob[] };
export type WorkerReply = { kind: "records"; packed: PackedRecords } | { kind: "signatures"; signers: [id: string, signer: string][] };

/** The recovered signer address, or a description of why there is none (never equal to an address). */
export function recoverSigner(job: SignatureJob, domain: ReturnType<typeof envelopeDomainV2>): string {
  try {
    return recoverEnvelopeSignerV2(job.header, job.signature, domain);
  } catch (err) {
    return `unrecoverable (${(err as Error).message})`;
  }
}

export function handle(req: WorkerRequest): WorkerReply {
  if (req.kind === "records") {
    return { kind: "records", packed: packOutcomes(req.items.map(([source, line, text]) => processRecordText(text, `${source}:${line}`, line, req.keepReadings))) };
  }
  const domain = envelopeDomainV2(req.chainId, req.contract);
  return { kind: "signatures", signers: req.jobs.map((j) => [j.id, recoverSigner(j, domain)]) };
}

parentPort?.on("message", (msg: { id: number; req: WorkerRequest }) => {
  const reply = handle(msg.req);
  // The packed typed arrays move to the main thread instead of being copied.
  const transfer = reply.kind === "records" ? [reply.packed.present.buffer, reply.packed.hashes.buffer, reply.packed.nums.buffer] : [];
  parentPort!.postMessage({ id: msg.id, reply }, transfer as ArrayBuffer[]);
});
