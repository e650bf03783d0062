// GET /v1/records/{hash}/receipt — the record's COSE Receipt (RFC 9942; docs/PROTOCOL.md §13), application/cose,
// within the caller's scope like /proof (a receipt names the record's hash and position), and logged like it.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Wallet } from "ethers";
import { z } from "zod";
import { READERS } from "./auth.ts";
import { notFound } from "./errors.ts";
import { receiptFor } from "./receipt.ts";
import { findRecord } from "./records-query.ts";
import { INPUT_ERRORS, readerErrors, security } from "./schemas-common.ts";
import { HashParams, PendingProof, ProofQuery } from "./schemas-records.ts";
import { scopeOf } from "./scope.ts";

export const COSE_MEDIA_TYPE = "application/cose";

export function receiptRoutes(serviceKey: Wallet): FastifyPluginAsyncZod {
  return async (app) => {
    const { db, chain } = app.ledger;
    app.get("/records/:hash/receipt", {
      config: { roles: READERS, access: "logged" },
      schema: {
        tags: ["records"], operationId: "getRecordReceipt", summary: "COSE Receipt (RFC 9942, RFC9162_SHA256, ES256K) of the record against the latest or a given anchored checkpoint",
        description: "200: a COSE_Sign1 (tag 18) with a detached payload, the tree root; verify it with verifyReceipt (docs/PROTOCOL.md §13) and LedgerAnchor. 202: the record is not anchored yet (as for /proof). 409: the anchored tree has one leaf, so no inclusion path.",
        security, params: HashParams, querystring: ProofQuery,
        response: {
          200: { description: "the receipt (CBOR)", content: { [COSE_MEDIA_TYPE]: { schema: z.string().describe("binary COSE_Sign1") } } },
          202: PendingProof,
          ...readerErrors(INPUT_ERRORS, { 400: ["tree_size_not_anchored", "record_not_in_tree"], 404: ["not_found"], 409: ["receipt_tree_too_small"] }),
        },
      },
    }, async (request, reply) => {
      const row = await findRecord(db, request.params.hash, await scopeOf(db, request.caller!));
      if (row === undefined) throw notFound("record", ["hash"]);
      const result = await receiptFor(db, chain, serviceKey, row, request.query.treeSize);
      request.accessCount = 1;
      if ("status" in result) return reply.code(202).send(result);
      return reply.type(COSE_MEDIA_TYPE).send(Buffer.from(result.buffer, result.byteOffset, result.byteLength) as never);
    });
  };
}
