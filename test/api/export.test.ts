// GET /v1/export: the otledger.export/2 stream the auditor consumes (each line as documented, records in their
// stored v2 form), and constant memory while streaming 100k records (inserted in bulk with SQL).
import t from "tap";
import { ExportLineSchema } from "../../server/api/schemas-export-lines.ts";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Wallet } from "ethers";
import { checkRecord } from "../../core/index.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { insertBulkRecords } from "./bulk.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

// A full collection before each sample, so heapUsed measures live memory rather than uncollected garbage.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

t.test("otledger.export/2: every line parses with the documented schema; record lines carry the stored v2 form", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const device = await api.newDevice({ register: false });
  await api.enroll(device, "plant-1");
  const series = device.envelope(api.domain, 4);
  const events = device.envelope(api.domain, 2, { make: "event" });
  for (const env of [series, events]) t.equal((await api.submit(env)).status, 201);
  const partner = await api.principal("partner", "partner");
  await api.grant(partner.id, { kind: "event" });
  await api.get("/v1/records", partner.key); // an access record joins the log
  const auditor = await api.principal("auditor", "auditor");
  await api.waitAnchored(7);

  const res = await api.get("/v1/export?receipts=true", auditor.key);
  t.equal(res.statusCode, 200);
  t.match(res.headers["content-type"], /^application\/x-ndjson/);
  const lines = res.body.trim().split("\n").map((l) => JSON.parse(l));
  const types = new Set<string>();
  for (const l of lines) {
    const parsed = ExportLineSchema.safeParse(l);
    if (!parsed.success) t.fail(`${l.type} line does not match the documented schema: ${parsed.error.message}`);
    types.add(l.type);
  }
  t.same([...types].sort(), ["checkpoint", "device", "end", "envelope", "header", "leaves", "record"], "every line type checked");
  t.match(lines[0], { type: "header", format: "otledger.export/2", protocolVersion: "2", scope: "full" });
  const records = lines.filter((l) => l.type === "record");
  const mine = records.filter((l) => l.record.header.device === device.address);
  t.same(mine.map((l) => l.record), [...series.records, ...events.records], "the device's records exactly as signed");
  for (const l of records) {
    const checked = checkRecord(l.record);
    t.equal(checked.hash, l.hash, `record ${l.index}: the header hashes to the line's hash`);
    t.equal(checked.openings, "full");
  }
  const access = records.filter((l) => l.record.header.device === api.serviceKey.address.toLowerCase());
  t.ok(access.length >= 1 && access.every((l) => l.record.header.kind === "access" && l.record.stream.name === "@access"), "auditors' exports hold the access records");

  const partial = (await api.get("/v1/export", partner.key)).body.trim().split("\n").map((l) => JSON.parse(l));
  t.equal(partial[0].scope, "partial");
  t.same(partial.filter((l) => l.type === "record").map((l) => l.record), events.records, "a partner's export: its events, never access records");
});

t.test("export memory stays flat over 100k records", async (t) => {
  const api = await startApiLedger({ workers: false });
  t.teardown(() => api.close());
  const auditor = await api.principal("auditor", "auditor");
  const devices = [0, 1, 2, 3].map(() => Wallet.createRandom().address.toLowerCase());
  await insertBulkRecords(api.ownerDb, { devices, count: 100_000, padding: 600 });

  const res = await fetch(`${api.url}/v1/export`, { headers: { authorization: `Bearer ${auditor.key}` } });
  t.equal(res.status, 200);
  t.match(res.headers.get("content-type"), /application\/x-ndjson/);
  const decoder = new TextDecoder();
  let rest = "";
  let bytes = 0;
  let records = 0;
  let end: { counts: { record: number; leaves: number } } | undefined;
  const heap: number[] = [];
  const rss: number[] = [];
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop()!;
    for (const l of lines) {
      if (l.startsWith('{"type":"record"')) {
        if (++records % 5000 === 0) { gc(); const m = process.memoryUsage(); heap.push(m.heapUsed); rss.push(m.rss); }
      } else if (l.startsWith('{"type":"end"')) end = JSON.parse(l);
    }
  }
  t.equal(records, 100_000, "every record streamed");
  t.equal(end?.counts.record, 100_000);
  t.ok((end?.counts.leaves ?? 0) >= 100_000);
  // A buffering implementation grows with the bytes sent; a streaming one only saw-tooths with GC.
  const mb = (n: number) => Math.round(n / 1048576);
  const warm = heap[1]!;
  const growth = Math.max(...heap.slice(1)) - warm;
  const rssGrowth = Math.max(...rss.slice(1)) - rss[1]!;
  t.comment(`streamed ${mb(bytes)} MiB; heap ${mb(warm)} -> max ${mb(Math.max(...heap))} MiB (growth ${mb(growth)}); rss growth ${mb(rssGrowth)} MiB`);
  t.ok(bytes > 80 * 1048576, "the export is large compared with the bound below");
  t.ok(growth < bytes / 10, `heap growth ${mb(growth)} MiB stays well below the ${mb(bytes)} MiB streamed`);
  t.ok(rssGrowth < bytes / 3, `rss growth ${mb(rssGrowth)} MiB stays well below the ${mb(bytes)} MiB streamed`);
});
