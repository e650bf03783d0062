// Erasure request and answer schemas (POST/GET /v1/admin/erasures; the body is PROTOCOL §4.4's erasure body).
import { z } from "zod";
import { ErasureScopeSchema } from "../../core/index.ts";
import { Hex32Param, InstantOut, Limit, queryObject, Text, UInt } from "./schemas-common.ts";

/** The reason goes into a signed record: RFC 8785 cannot hash lone surrogates, so they are a 400 here. */
const Reason = Text(1024).refine((s) => (s as string & { isWellFormed(): boolean }).isWellFormed(), "lone UTF-16 surrogates are not allowed");

export const ErasureInput = z.strictObject({
  record: Hex32Param.describe("hash of the record to erase"),
  scope: ErasureScopeSchema.default("body").describe("body: salt, body and personal fields (a stub stays); personal: an event's personal fields (actor, text) only"),
  reason: Reason.describe("why (kept in the signed, anchored erasure record)"),
});

export const ErasureSchema = z.object({
  index: z.number().describe("leaf index of the erasure record"),
  hash: z.string().describe("hash of the erasure record"),
  target: z.string(), targetDevice: z.string(), targetSeq: z.number(),
  scope: ErasureScopeSchema, reason: z.string(), requestedBy: z.string(),
  at: InstantOut.describe("the erasure record's time"),
  cleared: z.boolean().describe("the target no longer holds what this erasure erases (false: pending, finished at the next start or retry)"),
});

export const ErasuresQuery = queryObject({ after: UInt.optional().describe("leaf index: list erasure records after it"), limit: Limit(1000, 100) });
export const ErasuresPage = z.object({ erasures: z.array(ErasureSchema), next: z.number().nullable().describe("pass as after for the next page; null at the end") });
