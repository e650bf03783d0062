// GET /v1/export query (the auditor's `otledger audit --api` sends from, to, device…, receipts).
import { z } from "zod";
import { AddressParam, Instant, queryObject, UInt } from "./schemas-common.ts";

export const ExportQuery = queryObject({
  from: Instant.optional().describe("records whose span [header.from, header.to] meets [from, to): header.to >= from"),
  to: Instant.optional().describe("records whose span meets [from, to): header.from < to"),
  device: z.union([AddressParam, z.array(AddressParam).min(1).max(100)]).optional(),
  fromIndex: UInt.optional().describe("only records and leaves at leaf index >= fromIndex (an incremental audit resuming at a saved tree size); the header's range.fromIndex says where the export starts"),
  receipts: z.enum(["true", "false"]).transform((v) => v === "true").optional().describe("include each anchor tx's input and receipt (read from the chain)"),
}).refine((q) => q.from === undefined || q.to === undefined || Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "to must be after from" });
export type ExportQuery = z.infer<typeof ExportQuery>;
