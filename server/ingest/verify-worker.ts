// Worker thread: runs verifyEnvelope (openings, header hashing, both chains, envelope root, EIP-712 recovery) off
// the event loop. Answers { id, hashes, canonicals, streams }, { id, error } with the IngestError's fields, or { id, crash }.
import { parentPort, workerData } from "node:worker_threads";
import type { Eip712DomainV2, EnvelopeV2 } from "../../core/index.ts";
import { IngestError } from "./errors.ts";
import { verifyEnvelope } from "./verify.ts";

const domain = workerData.domain as Eip712DomainV2;

parentPort!.on("message", (msg: { id: number; envelope: EnvelopeV2 }) => {
  try {
    const v = verifyEnvelope(msg.envelope, domain);
    parentPort!.postMessage({ id: msg.id, hashes: v.hashes, canonicals: v.canonicals, streams: v.streams });
  } catch (err) {
    if (err instanceof IngestError) {
      parentPort!.postMessage({ id: msg.id, error: { statusCode: err.statusCode, code: err.code, message: err.message, path: err.path, details: err.details } });
    } else {
      // Not a verdict on the envelope but a bug: the pool rethrows it plainly, so the handler answers 500 and logs it.
      const e = err as Error;
      parentPort!.postMessage({ id: msg.id, crash: { name: e.name, message: e.message, stack: e.stack } });
    }
  }
});
