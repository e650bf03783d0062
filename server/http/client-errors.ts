// Requests Fastify answers before any route, hook or error handler: URLs the router cannot decode or whose
// parameters are too long (frameworkErrors), and requests Node's HTTP parser refuses (clientErrorHandler:
// oversized headers or request line, malformed syntax, timeouts). They get the service's error shape too.
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from "fastify";
import { errorBody } from "./errors.ts";

type ParserError = Error & { code?: string; rawPacket?: Buffer; bytesParsed?: number };

/** The answer to an error of Node's HTTP parser (llhttp codes), as status and service error code. */
export function classifyParserError(err: ParserError): { status: number; code: string; message: string } {
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return { status: 408, code: "request_timeout", message: "the request was not received in time" };
  if (err.code === "HPE_HEADER_OVERFLOW") {
    // The request line counts toward the header limit: when the parser stopped before the line ended, the URI is what is too long.
    const packet = err.rawPacket?.toString("latin1") ?? "";
    const lineEnd = packet.indexOf("\r\n");
    const inRequestLine = /^[A-Z-]+ /.test(packet) && (lineEnd === -1 || lineEnd >= (err.bytesParsed ?? 0));
    return inRequestLine
      ? { status: 414, code: "uri_too_long", message: "the request URI is longer than the server accepts" }
      : { status: 431, code: "headers_too_large", message: "the request headers are larger than the server accepts" };
  }
  if (err.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") return { status: 413, code: "body_too_large", message: "chunk extensions are too large" };
  return { status: 400, code: "malformed_request", message: `the request is not valid HTTP/1.1 (${err.code ?? "parse error"})` };
}

/** Fastify binds it to the instance. Node hands `rawPacket` as a Buffer (Fastify's ConnectionError type says otherwise). */
function clientErrorHandler(this: FastifyInstance, error: Error, socket: Socket): void {
  const err = error as ParserError;
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const { status, code, message } = classifyParserError(err);
  this.log.debug({ code: err.code, status }, "client error");
  if (!socket.writable) { socket.destroy(); return; }
  const body = JSON.stringify({ statusCode: status, code, message, path: [] });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Fastify server options that route these errors into the service's error shape (buildApp spreads them). */
export const frontErrorOptions: Pick<FastifyServerOptions, "clientErrorHandler" | "frameworkErrors"> = {
  clientErrorHandler,
  frameworkErrors: (error: FastifyError, _request, reply) => {
    const answer = errorBody(error);
    (reply as FastifyReply).code(answer.statusCode).send(answer);
  },
};
