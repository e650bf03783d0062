// Request Content-Encoding over a real socket: gzip, x-gzip and deflate bodies are decoded and stored exactly
// as the plain body would be; the body limit holds after decoding (a gzip bomb gets 413); a body that is not
// in its labelled coding gets 400; other codings get 415 with Accept-Encoding. Rejections write nothing.
import t from "tap";
import { gzipSync, deflateSync, brotliCompressSync } from "node:zlib";
import { recordHash } from "../../core/index.ts";
import { startTestLedger } from "../helpers/ledger.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

const LIMIT = 256 * 1024;

t.test("Content-Encoding on POST /v1/envelopes", async (t) => {
  const ledger = await startTestLedger({ config: { BODY_LIMIT_BYTES: LIMIT } });
  t.teardown(() => ledger.close());
  const device = await ledger.newDevice();
  const stored = async () => (await ledger.ownerDb.query("SELECT count(*)::int AS n FROM records")).rows[0].n as number;
  const post = async (body: Uint8Array | ReadableStream, encoding?: string) => {
    const res = await fetch(`${ledger.url}/v1/envelopes`, {
      method: "POST", body, duplex: "half",
      headers: { "content-type": "application/json", ...(encoding === undefined ? {} : { "content-encoding": encoding }) },
    } as RequestInit);
    return { status: res.status, headers: res.headers, body: await res.json() as { code?: string; path?: unknown[]; records?: { hash: string }[] } };
  };

  const encoders: [string, (b: Buffer) => Buffer][] = [["gzip", gzipSync], ["x-gzip", gzipSync], ["deflate", deflateSync], ["GZip", gzipSync]];
  let count = 0;
  for (const [coding, encode] of encoders) {
    const envelope = device.envelope(ledger.domain, 50);
    const plain = Buffer.from(JSON.stringify(envelope));
    const encoded = encode(plain);
    t.ok(encoded.length * 3 < plain.length, `${coding}: the envelope compresses more than 3x (${plain.length} -> ${encoded.length} bytes)`);
    const res = await post(encoded, coding);
    t.equal(res.status, 201, `${coding}: decoded and stored`);
    t.same(res.body.records?.map((r) => r.hash), envelope.records.map((r) => recordHash(r.header)), `${coding}: the records are the ones signed`);
    count += 50;
  }
  const chunked = device.envelope(ledger.domain, 5);
  const gz = gzipSync(JSON.stringify(chunked));
  const stream = new ReadableStream({ start(c) { c.enqueue(gz.subarray(0, 10)); c.enqueue(gz.subarray(10)); c.close(); } });
  t.equal((await post(stream, "gzip")).status, 201, "chunked gzip without Content-Length is decoded too");
  count += 5;
  t.equal((await post(Buffer.from(JSON.stringify(device.envelope(ledger.domain, 1))), "identity")).status, 201, "identity is the plain body");
  count += 1;
  t.equal(await stored(), count);

  const next = () => Buffer.from(JSON.stringify(device.envelope(ledger.domain, 2, { commit: false })));
  const notGzip = await post(next(), "gzip");
  t.equal(notGzip.status, 400, "a plain body labelled gzip: 400");
  t.match(notGzip.body, { code: "invalid_content_encoding", path: ["headers", "content-encoding"] });
  const truncated = gzipSync(next());
  t.match((await post(truncated.subarray(0, truncated.length - 12), "gzip")).body, { code: "invalid_content_encoding" }, "a truncated gzip stream: invalid_content_encoding");
  t.match((await post(gzipSync(next()), "deflate")).body, { code: "invalid_content_encoding" }, "gzip labelled deflate: invalid_content_encoding");

  for (const coding of ["br", "gzip, gzip", "compress"]) {
    const res = await post(coding === "br" ? brotliCompressSync(next()) : gzipSync(gzipSync(next())), coding);
    t.equal(res.status, 415, `${coding}: 415`);
    t.match(res.body, { code: "unsupported_content_encoding", path: ["headers", "content-encoding"] }, `${coding}: unsupported_content_encoding`);
    t.equal(res.headers.get("accept-encoding"), "gzip, deflate", `${coding}: Accept-Encoding names what is decoded`);
  }

  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
  t.ok(bomb.length < LIMIT / 2, `the bomb is small on the wire (${bomb.length} bytes)`);
  const exploded = await post(bomb, "gzip");
  t.equal(exploded.status, 413, "a gzip bomb: 413 (the limit holds after decoding)");
  t.equal(exploded.body.code, "body_too_large");
  const justOver = gzipSync(Buffer.concat([next(), Buffer.alloc(LIMIT, 0x20)]));
  t.equal((await post(justOver, "gzip")).status, 413, "a body decoding to just over the limit: 413");

  t.equal(await stored(), count, "no rejected body wrote anything");
  t.equal((await post(next(), undefined)).status, 201, "the service still answers plain bodies");
});
