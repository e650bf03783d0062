// GET /v1/records, /v1/records/{hash}, /v1/records/{hash}/proof — within the caller's scope.
import { BundleSchema } from "../../core/index.ts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { bytesToHex } from "../db/bytes.ts";
import { READERS } from "./auth.ts";
import { notFound } from "./errors.ts";
import { proofFor } from "./proof.ts";
import { findRecord, listRecords, pageJson, toStored } from "./records-query.ts";
import { INPUT_ERRORS, readerErrors, security } from "./schemas-common.ts";
import { HashParams, PendingProof, ProofQuery, RecordDetail, RecordsPage, RecordsQuery } from "./schemas-records.ts";
import { scopeOf } from "./scope.ts";

const config = { roles: READERS, access: "logged" } as const;

export const recordRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, chain } = app.ledger;

  app.get("/records", {
    config,
    schema: { tags: ["records"], operationId: "listRecords", summary: "Records in scope, oldest first, by cursor", security, querystring: RecordsQuery, response: { 200: RecordsPage, ...readerErrors(INPUT_ERRORS) } },
  }, async (request, reply) => {
    const page = await listRecords(db, request.query, await scopeOf(db, request.caller!));
    request.accessCount = page.rows.length;
    // The stored canonical text is spliced in as is (it is valid JSON): no parse and re-serialise per record.
    return reply.type("application/json; charset=utf-8").send(pageJson(page) as never);
  });

  app.get("/records/:hash", {
    config,
    schema: { tags: ["records"], operationId: "getRecord", summary: "One record with its envelope", security, params: HashParams, response: { 200: RecordDetail, ...readerErrors(INPUT_ERRORS, { 404: ["not_found"] }) } },
  }, async (request) => {
    const row = await findRecord(db, request.params.hash, await scopeOf(db, request.caller!));
    if (row === undefined) throw notFound("record", ["hash"]);
    request.accessCount = 1;
    return {
      ...toStored(row), receivedAt: row.received_at.toISOString(),
      envelope: {
        id: Number(row.envelope_id), signature: bytesToHex(row.signature),
        header: { device: bytesToHex(row.env_device), firstSeq: Number(row.first_seq), count: row.count, recordsRoot: bytesToHex(row.records_root), lastHash: bytesToHex(row.last_hash) },
      },
    };
  });

  app.get("/records/:hash/proof", {
    config,
    schema: {
      tags: ["records"], operationId: "getRecordProof", summary: "Proof bundle v1 (docs/PROTOCOL.md §10) against the latest or a given anchored checkpoint",
      description: "200: the bundle, verifiable offline with verifyBundle. 202: the record is not anchored yet; the answer names the checkpoint that will cover it.",
      security, params: HashParams, querystring: ProofQuery,
      response: { 200: BundleSchema, 202: PendingProof, ...readerErrors(INPUT_ERRORS, { 400: ["tree_size_not_anchored", "record_not_in_tree"], 404: ["not_found"] }) },
    },
  }, async (request, reply) => {
    const row = await findRecord(db, request.params.hash, await scopeOf(db, request.caller!));
    if (row === undefined) throw notFound("record", ["hash"]);
    const result = await proofFor(db, chain, row, request.query.treeSize);
    request.accessCount = 1;
    if ("status" in result) return reply.code(202).send(result);
    return result;
  });
};
