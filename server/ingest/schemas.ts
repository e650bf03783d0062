// POST /v1/envelopes in the OpenAPI document: the receipt (receipt.ts builds it) and every error code the route answers.
import { z } from "zod";
import { AddressSchema, Hex32Schema as Hex32 } from "../../core/index.ts";
import { BODY_ERRORS, errorResponses, type ErrorSpec, type HttpLayerCode } from "../http/error-responses.ts";
import type { IngestErrorCode } from "./errors.ts";

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

const INGEST_ERRORS: ErrorSpec<IngestErrorCode | HttpLayerCode> = {
  400: ["schema_invalid", "unsupported_character", "envelope_empty", "envelope_too_large", "envelope_device_mismatch", "envelope_seq_gap",
    "envelope_prev_mismatch", "envelope_count_mismatch", "envelope_root_mismatch", "envelope_last_hash_mismatch"],
  401: ["signature_invalid", "signature_signer_mismatch"],
  403: ["device_unknown", "device_revoked"],
  409: ["seq_gap", "seq_overlap", "prev_mismatch", "equivocation"],
  413: ["envelope_too_large"],
  429: ["rate_limited"],
  503: ["registry_unavailable"],
};

export const envelopeRouteSchema = {
  tags: ["ingest"],
  operationId: "submitEnvelope",
  summary: "Submit a signed envelope of records (docs/PROTOCOL.md); answers after commit",
  description: "Authenticated by the envelope's EIP-712 signature, not an API key. 201: stored; 200: an exact replay, same receipt. " +
    "409 seq_gap/seq_overlap/prev_mismatch carry expectedSeq and lastHash to resync from; equivocation carries the evidence.",
  response: {
    201: ReceiptSchema.describe("stored"),
    200: ReceiptSchema.describe("an exact replay of a stored envelope: the same receipt"),
    ...errorResponses<IngestErrorCode | HttpLayerCode>(BODY_ERRORS, INGEST_ERRORS),
  },
};
