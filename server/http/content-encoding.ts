// Request Content-Encoding (RFC 9110 §8.4): gzip (also x-gzip) and deflate bodies are decoded before parsing,
// so an agent on a slow plant link can send an envelope compressed several times over. The route's body limit
// applies to the decoded bytes (a gzip bomb gets 413 and decompression stops there); a body that is not in the
// coding it is labelled with gets 400; any other coding gets 415 with Accept-Encoding naming what is decoded.
import { Transform, type Readable } from "node:stream";
import { createGunzip, createInflate, type Gunzip, type Inflate } from "node:zlib";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { FrontError } from "./front-error.ts";

const DECODERS: Record<string, () => Gunzip | Inflate> = { gzip: createGunzip, "x-gzip": createGunzip, deflate: createInflate };
export const DECODED_CODINGS = "gzip, deflate";

/** Fastify compares Content-Length with `receivedEncodedLength` when a preParsing stream sets it. */
type DecodedStream = Transform & { receivedEncodedLength: number };

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  return request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/** The decoded body of `payload`, failing with 413 past `limit` decoded bytes and 400 when it does not decode. */
function decode(payload: Readable, coding: string, makeDecoder: () => Gunzip | Inflate, limit: number): DecodedStream {
  const decoder = makeDecoder();
  let decoded = 0;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      decoded += chunk.length;
      if (decoded > limit) done(new FrontError(413, "body_too_large", `the body decodes to more than ${limit} bytes`, [], { expected: limit }));
      else done(null, chunk);
    },
  }) as DecodedStream;
  out.receivedEncodedLength = 0;
  payload.on("data", (chunk: Buffer) => { out.receivedEncodedLength += chunk.length; });
  payload.on("error", (err) => out.destroy(err));
  decoder.on("error", (err) => {
    out.destroy(new FrontError(400, "invalid_content_encoding", `the body is not valid ${coding}: ${err.message}`, ["headers", "content-encoding"]));
  });
  // Refused (too large) or abandoned: stop decompressing and reading.
  out.on("close", () => { payload.unpipe(decoder); decoder.destroy(); });
  payload.pipe(decoder).pipe(out);
  return out;
}

export function installContentDecoding(app: FastifyInstance): void {
  app.addHook("preParsing", async (request, reply, payload) => {
    const header = request.headers["content-encoding"];
    if (header === undefined || !hasBody(request)) return payload;
    const coding = header.trim().toLowerCase();
    if (coding === "" || coding === "identity") return payload;
    const makeDecoder = DECODERS[coding];
    if (makeDecoder === undefined) {
      reply.header("accept-encoding", DECODED_CODINGS);
      throw new FrontError(415, "unsupported_content_encoding", `Content-Encoding ${JSON.stringify(header)} is not supported: send ${DECODED_CODINGS} or identity`, ["headers", "content-encoding"], { accepted: DECODED_CODINGS.split(", ") });
    }
    return decode(payload, coding, makeDecoder, request.routeOptions.bodyLimit);
  });
}
