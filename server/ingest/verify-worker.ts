// Worker thread: runs verifyEnvelope (record hashing, envelope root, EIP-712 recovery, canonical text) off the
// event loop. Answers { id, ok } or { id, error } with the IngestError's fields.
import { parentPort, workerData } from "node:worker_threads";
import type { Eip712Domain, Envelope } from "../../core/index.ts";
import { IngestError } from "./errors.ts";
import { verifyEnvelope } from "./verify.ts";

const domain = workerData.domain as Eip712Domain;

parentPort!.on("message", (msg: { id: number; envelope: Envelope }) => {
  try {
    const v = verifyEnvelope(msg.envelope, domain);
    parentPort!.postMessage({ id: msg.id, hashes: v.hashes, canonicals: v.canonicals });
  } catch (err) {
    const e = err instanceof IngestError
      ? { statusCode: err.statusCode, code: err.code, message: err.message, path: err.path, details: err.details }
      : { statusCode: 500, code: "internal", message: (err as Error).message, path: [], details: {} };
    parentPort!.postMessage({ id: msg.id, error: e });
  }
});
