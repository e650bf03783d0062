// Every error has the service's shape { statusCode, code, message, path }, also those Fastify and Node answer
// before any route: unknown routes (404), wrong methods (405 with Allow), undecodable URLs, over-long parameters
// (414), and, over a raw socket, an over-long request line (414), oversized headers (431) and malformed HTTP (400).
import t from "tap";
import { connect } from "node:net";
import type { FastifyPluginAsync } from "fastify";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

const items: FastifyPluginAsync = async (app) => {
  app.get("/test/items/:id", async (request) => ({ id: (request.params as { id: string }).id }));
  app.put("/test/items/:id", async () => ({ ok: true }));
};

/** Sends raw bytes to host:port and returns the parsed response the server wrote before closing. */
function rawRequest(url: string, bytes: string): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", body = ""] = text.split("\r\n\r\n", 2);
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      try { resolve({ status: Number(statusLine.split(" ")[1]), headers, body: JSON.parse(body) }); } catch (err) { reject(new Error(`not JSON: ${text.slice(0, 300)} (${(err as Error).message})`)); }
    });
    socket.end(bytes);
  });
}

const shape = (status: number, code: string) => ({ statusCode: status, code, message: String, path: Array });

t.test("router and parser errors answer in the service's error shape", async (t) => {
  const ledger = await startTestLedger({ routes: [items] });
  t.teardown(() => ledger.close());
  const inject = (method: string, url: string) => ledger.app.inject({ method: method as "GET", url });

  const unknown = await inject("GET", "/v1/nothing-here");
  t.equal(unknown.statusCode, 404, "unknown route: 404");
  t.match(unknown.json(), { ...shape(404, "not_found"), path: ["url"] });
  t.equal(unknown.headers["x-request-id"] !== undefined, true, "with a request id");

  const wrong = await inject("DELETE", "/v1/envelopes");
  t.equal(wrong.statusCode, 405, "wrong method on a known path: 405");
  t.match(wrong.json(), { ...shape(405, "method_not_allowed"), path: ["method"], allowed: ["POST"] });
  t.equal(wrong.headers.allow, "POST", "Allow names the path's methods");
  const get = await inject("GET", "/v1/envelopes");
  t.equal(get.statusCode, 405, "GET on the POST-only ingest path: 405");
  const param = await inject("DELETE", "/v1/test/items/7");
  t.equal(param.statusCode, 405, "a parametric path: 405");
  t.equal(param.headers.allow, "GET, HEAD, PUT", "Allow covers every method of the matching route, HEAD included");
  t.equal((await inject("GET", "/v1/test/items/7")).statusCode, 200, "the allowed method still works");
  t.equal((await inject("DELETE", "/v1/test/items/7/extra")).statusCode, 404, "a longer path is another (unknown) path");

  const badUrl = await inject("GET", "/v1/test/items/%E0%A4%A");
  t.equal(badUrl.statusCode, 400, "an undecodable URL: 400");
  t.match(badUrl.json(), shape(400, "bad_url"));
  const longParam = await inject("GET", `/v1/test/items/${"x".repeat(500)}`);
  t.equal(longParam.statusCode, 414, "an over-long path parameter: 414");
  t.match(longParam.json(), shape(414, "uri_too_long"));

  const longLine = await rawRequest(ledger.url, `GET /v1/test/items/1?q=${"a".repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  t.equal(longLine.status, 414, "a request line over the header limit: 414");
  t.match(longLine.body, shape(414, "uri_too_long"));
  t.match(longLine.headers["content-type"], /^application\/json/);
  const bigHeaders = await rawRequest(ledger.url, `GET /v1/test/items/1 HTTP/1.1\r\nHost: x\r\nX-Pad: ${"b".repeat(40_000)}\r\n\r\n`);
  t.equal(bigHeaders.status, 431, "headers over the limit: 431");
  t.match(bigHeaders.body, shape(431, "headers_too_large"));
  const garbage = await rawRequest(ledger.url, "HELLO THERE\r\n\r\n");
  t.equal(garbage.status, 400, "not HTTP: 400");
  t.match(garbage.body, shape(400, "malformed_request"));
  const smuggle = await rawRequest(ledger.url, "POST /v1/envelopes HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
  t.equal(smuggle.status, 400, "conflicting Content-Length headers: 400");
  t.match(smuggle.body, shape(400, "malformed_request"));

  const fine = await rawRequest(ledger.url, "GET /v1/test/items/5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  t.same(fine.body, { id: "5" }, "the server still answers well-formed requests");
});
