// Worker thread: recovers EIP-712 envelope signers (secp256k1 recovery is the audit's costliest step per envelope).
import { parentPort } from "node:worker_threads";
import { envelopeDomain, recoverEnvelopeSigner, type EnvelopeHeader } from "../../core/index.ts";

export type SignatureJob = { id: string; header: EnvelopeHeader; signature: string };
export type SignatureBatch = { batch: number; chainId: number; contract: string; jobs: SignatureJob[] };
export type SignatureResult = { batch: number; signers: [id: string, signer: string][] };

/** The recovered signer address, or a description of why there is none (never equal to an address). */
export function recoverSigner(job: SignatureJob, domain: ReturnType<typeof envelopeDomain>): string {
  try {
    return recoverEnvelopeSigner(job.header, job.signature, domain);
  } catch (err) {
    return `unrecoverable (${(err as Error).message})`;
  }
}

parentPort?.on("message", (msg: SignatureBatch) => {
  const domain = envelopeDomain(msg.chainId, msg.contract);
  const result: SignatureResult = { batch: msg.batch, signers: msg.jobs.map((j) => [j.id, recoverSigner(j, domain)]) };
  parentPort!.postMessage(result);
});
