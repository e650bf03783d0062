// POST /v1/envelopes in the OpenAPI document: the receipt (receipt.ts builds it) and every error code the route answers.
import { z } from "zod";
import { AddressSchema, Hex32Schema as Hex32 } from "../../core/index.ts";
import { BODY_ERRORS, errorResponses, type ErrorSpec, type HttpLayerCode } from "../http/error-responses.ts";
import type { EnvelopeCheckCode, IngestErrorCode } from "./errors.ts";
import { ENVELOPE_CHECK_STATUS } from "./verify.ts";

export const ReceiptSchema = z.object({
  device: AddressSchema,
  firstSeq: z.number(),
  count: z.number(),
  recordsRoot: Hex32,
  records: z.array(z.object({ seq: z.number(), hash: Hex32, index: z.number().describe("global log leaf index") })),
  checkpoint: z.object({
    minTreeSize: z.number().describe("the records are in the first checkpoint with treeSize >= this (LedgerAnchor.firstCheckpointCovering(lastIndex))"),
  }),
});

const checkCodes = (status: number) => (Object.entries(ENVELOPE_CHECK_STATUS) as [EnvelopeCheckCode, number][]).filter(([, s]) => s === status).map(([c]) => c);

const INGEST_ERRORS: ErrorSpec<IngestErrorCode | HttpLayerCode> = {
  400: ["schema_invalid", "unsupported_character", ...checkCodes(400)],
  401: checkCodes(401),
  403: ["device_unknown", "device_revoked", "device_role_mismatch"],
  409: ["seq_gap", "seq_overlap", "prev_mismatch", "equivocation", "stream_seq_gap", "stream_prev_mismatch", "stream_time_order", "stream_name_conflict"],
  413: ["envelope_too_large"],
  429: ["rate_limited"],
  503: ["registry_unavailable"],
};

export const envelopeRouteSchema = {
  tags: ["ingest"],
  operationId: "submitEnvelope",
  summary: "Submit a signed v2 envelope of records (docs/PROTOCOL.md §8); answers after commit",
  description: "Authenticated by the envelope's EIP-712 signature, not an API key. 201: stored; 200: an exact replay, same receipt. " +
    "409 seq_gap/seq_overlap/prev_mismatch carry expectedSeq and lastHash to resync from; equivocation carries the evidence; " +
    "stream_seq_gap/stream_prev_mismatch/stream_time_order carry the stream and its stored head (expectedStreamSeq, expectedStreamPrev, headTo); " +
    "stream_name_conflict the name with the stored and the submitted stream id.",
  response: {
    201: ReceiptSchema.describe("stored"),
    200: ReceiptSchema.describe("an exact replay of a stored envelope: the same receipt"),
    ...errorResponses<IngestErrorCode | HttpLayerCode>(BODY_ERRORS, INGEST_ERRORS),
  },
};
