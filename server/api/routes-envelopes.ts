// GET /v1/envelopes/{device}/{firstSeq}/proof — one envelope proof covers all of its records (one access record).
import { EnvelopeProofV2Schema } from "../../core/index.ts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { READERS } from "./auth.ts";
import { envelopeProofFor, findEnvelope } from "./envelope-proof.ts";
import { notFound } from "./errors.ts";
import { INPUT_ERRORS, readerErrors, security } from "./schemas-common.ts";
import { EnvelopeParams, PendingEnvelopeProof } from "./schemas-envelopes.ts";
import { ProofQuery } from "./schemas-records.ts";
import { scopeOf } from "./scope.ts";

const config = { roles: READERS, access: "logged" } as const;

export const envelopeRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, chain } = app.ledger;

  app.get("/envelopes/:device/:firstSeq/proof", {
    config,
    schema: {
      tags: ["records"], operationId: "getEnvelopeProof", summary: "Envelope proof v2 (docs/PROTOCOL.md §11.1): all of an envelope's records against the latest or a given anchored checkpoint",
      description: "200: the signed header, the record hashes (log leaves firstIndex..firstIndex+count-1) and a range proof, verifiable offline with verifyEnvelopeProofV2. 202: not wholly anchored yet. 404: no such envelope, or not every record of it is in the caller's scope.",
      security, params: EnvelopeParams, querystring: ProofQuery,
      response: { 200: EnvelopeProofV2Schema, 202: PendingEnvelopeProof, ...readerErrors(INPUT_ERRORS, { 400: ["tree_size_not_anchored", "record_not_in_tree"], 404: ["not_found"] }) },
    },
  }, async (request, reply) => {
    const row = await findEnvelope(db, request.params.device, request.params.firstSeq, await scopeOf(db, request.caller!));
    if (row === undefined) throw notFound("envelope", ["device"]);
    const result = await envelopeProofFor(db, chain, row, request.query.treeSize);
    request.accessCount = row.count;
    if ("status" in result) return reply.code(202).send(result);
    return result;
  });
};
