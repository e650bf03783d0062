// Schemas of GET /v1/streams and GET /v1/streams/answer (issue 12).
import { z } from "zod";
import { StreamAnswerSchema } from "../../core/index.ts";
import { AddressParam, Instant, InstantOut, Limit, queryObject, Text } from "./schemas-common.ts";

/** Opaque: base64url, as returned in `next`. */
const OpaqueCursor = z.string().min(1).max(512).regex(/^[A-Za-z0-9_-]+$/, "expected a cursor returned as next");

export const StreamsQuery = queryObject({
  device: AddressParam.optional().describe("only this device's streams"),
  limit: Limit(1000, 100),
  cursor: OpaqueCursor.optional().describe("next of the previous page"),
});

export const StreamsPage = z.object({
  streams: z.array(z.object({
    device: z.string(), name: z.string(), stream: z.string().describe("the 32-byte stream id (PROTOCOL §3.2)"), kind: z.string(),
    head: z.object({ streamSeq: z.number(), to: InstantOut, index: z.number().describe("global log leaf index") }).describe("the newest anchored record: what its stub shows"),
  })),
  checkpoint: z.object({ index: z.number(), treeSize: z.number() }).describe("the anchored checkpoint the list is as of"),
  next: z.string().nullable(),
});

export const StreamAnswerQuery = queryObject({
  device: AddressParam,
  name: Text(256).describe("the stream name: a tag, or @events/<asset>"),
  from: Instant.describe("window start, inclusive"),
  to: Instant.describe("window end, exclusive"),
  limit: Limit(4096, 1000),
  cursor: OpaqueCursor.optional().describe("next of the previous page (same device, name, from, to)"),
});

export const StreamAnswerPage = StreamAnswerSchema.extend({
  next: z.string().nullable().describe("cursor of the next page (remove it before verifying the answer), null on the last page"),
});

export const StreamsPending = z.object({ status: z.literal("pending"), retryAfterSeconds: z.number().describe("also sent as Retry-After") });
