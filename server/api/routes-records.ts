// GET /v1/records, /v1/records/{hash}, /v1/records/{hash}/samples, /v1/records/{hash}/proof — within the
// caller's scope. Records are answered in their stored v2 form (full, personal-erased or stub).
import { BundleV2Schema } from "../../core/index.ts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { bytesToHex } from "../db/bytes.ts";
import { READERS } from "./auth.ts";
import { notFound } from "./errors.ts";
import { proofFor } from "./proof.ts";
import { findRecord, listRecords, pageJson } from "./records-query.ts";
import { samplesOf } from "./samples.ts";
import { INPUT_ERRORS, readerErrors, security } from "./schemas-common.ts";
import { HashParams, PendingProof, ProofQuery, RecordDetail, RecordsPage, RecordsQuery, SamplesAnswer } from "./schemas-records.ts";
import { scopeOf } from "./scope.ts";
import { storedRecord } from "./stored-record.ts";

const config = { roles: READERS, access: "logged" } as const;

export const recordRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, chain } = app.ledger;
  const inScope = async (request: { caller?: Parameters<typeof scopeOf>[1] }, hash: string) => {
    const row = await findRecord(db, hash, await scopeOf(db, request.caller!));
    if (row === undefined) throw notFound("record", ["hash"]);
    return row;
  };

  app.get("/records", {
    config,
    schema: { tags: ["records"], operationId: "listRecords", summary: "Records in scope, oldest first, by cursor", security, querystring: RecordsQuery, response: { 200: RecordsPage, ...readerErrors(INPUT_ERRORS) } },
  }, async (request, reply) => {
    const page = await listRecords(db, request.query, await scopeOf(db, request.caller!));
    request.accessCount = page.rows.length;
    // The stored header text is spliced in as is (it is valid JSON): no parse and re-serialise per record.
    return reply.type("application/json; charset=utf-8").send(pageJson(page) as never);
  });

  app.get("/records/:hash", {
    config,
    schema: { tags: ["records"], operationId: "getRecord", summary: "One record (stored v2 form) with its envelope", security, params: HashParams, response: { 200: RecordDetail, ...readerErrors(INPUT_ERRORS, { 404: ["not_found"] }) } },
  }, async (request) => {
    const row = await inScope(request, request.params.hash);
    request.accessCount = 1;
    return {
      index: Number(row.leaf_index), hash: bytesToHex(row.hash), record: storedRecord(row), receivedAt: row.received_at.toISOString(),
      envelope: {
        id: Number(row.envelope_id), signature: bytesToHex(row.signature),
        header: { device: bytesToHex(row.env_device), firstSeq: Number(row.first_seq), count: row.count, recordsRoot: bytesToHex(row.records_root), lastHash: bytesToHex(row.last_hash) },
      },
    };
  });

  app.get("/records/:hash/samples", {
    config,
    schema: {
      tags: ["records"], operationId: "getRecordSamples", summary: "The samples of a series or reading, with their times (t_i = header.from + Σ dt)",
      description: "409 record_has_no_samples for an event; 409 record_body_erased when only the header is kept; 404 when unknown or out of scope.",
      security, params: HashParams,
      response: { 200: SamplesAnswer, ...readerErrors(INPUT_ERRORS, { 404: ["not_found"], 409: ["record_has_no_samples", "record_body_erased"] }) },
    },
  }, async (request) => {
    const row = await inScope(request, request.params.hash);
    const answer = samplesOf(row);
    request.accessCount = 1;
    return answer;
  });

  app.get("/records/:hash/proof", {
    config,
    schema: {
      tags: ["records"], operationId: "getRecordProof", summary: "Proof bundle otledger.bundle/2 (docs/PROTOCOL.md §10) against the latest or a given anchored checkpoint",
      description: "200: the bundle (the record in its stored form), verifiable offline with verifyBundleV2 against chain facts listed by chainFactsQueryV2. 202: the record is not anchored yet; the answer names the checkpoint that will cover it.",
      security, params: HashParams, querystring: ProofQuery,
      response: { 200: BundleV2Schema, 202: PendingProof, ...readerErrors(INPUT_ERRORS, { 400: ["tree_size_not_anchored", "record_not_in_tree"], 404: ["not_found"] }) },
    },
  }, async (request, reply) => {
    const row = await inScope(request, request.params.hash);
    const result = await proofFor(db, chain, row, request.query.treeSize);
    request.accessCount = 1;
    if ("status" in result) return reply.code(202).send(result);
    return result;
  });
};
