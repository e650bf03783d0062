// Record lines hashed and signatures recovered on worker threads give exactly what the main thread computes
// inline, on a genuine export and on a tampered one.
import t from "tap";
import { Readable } from "node:stream";
import { envelopeDomainV2, recordHash, type FullRecord } from "../../core/index.ts";
import { FindingLog } from "../../auditor/audit/findings.ts";
import { collectAndSign } from "../../auditor/audit/run.ts";
import { readNdjson } from "../../auditor/format/ndjson.ts";
import { testDevice } from "./fixture/ledger.ts";

const CONTRACT = "0x" + "5f".repeat(20);
const domain = envelopeDomainV2(31337, CONTRACT);

/** 80 one-record envelopes (enough to start the signature workers) plus 20 of 30 records, as NDJSON text. */
function exportText(tamper: boolean): string[] {
  const device = testDevice("workers");
  const lines: object[] = [{ type: "header", format: "otledger.export/2", protocolVersion: "2", chainId: 31337, contract: CONTRACT,
    range: { fromIndex: 0, toIndex: 0, from: null, to: null, devices: null }, scope: "full", treeSize: 0, registryBlock: 1, generatedAt: new Date().toISOString() }];
  let index = 0;
  for (let e = 0; e < 100; e++) {
    // Readings and small series alternate, and one event per envelope from envelope 80 on (personal openings too).
    const records: FullRecord[] = e < 80 ? device.records(1, e % 2 ? { make: "reading", stream: "PT-7.PV" } : { samples: 3 })
      : [...device.records(29, { samples: 2 }), ...device.records(1, { make: "event" })];
    const env = device.sign(domain, records);
    lines.push({ type: "envelope", id: `e-${e}`, header: env.header, signature: e === 7 && tamper ? "0x" + "ab".repeat(65) : env.signature });
    for (const r of records) {
      const record = tamper && r.header.seq === 500 ? { ...r, header: { ...r.header, ts: "2030-01-01T00:00:00.000Z" } } : r;
      const body = tamper && r.header.seq === 501 ? { ...r, body: { ...r.body, values: [1, 2] } } : record;
      lines.push({ type: "record", index: index++, hash: recordHash(r.header), envelope: `e-${e}`, record: body });
    }
  }
  lines.push({ type: "record", index: 9999, hash: "0x" + "00".repeat(32), envelope: "e-0", record: { header: { v: 2 } } });
  return lines.map((l) => JSON.stringify(l) + "\n");
}

async function run(text: string[], threads: number) {
  const findings = new FindingLog();
  const { c, signers } = await collectAndSign(readNdjson(Readable.from(text), "test"), findings, { threads, startWorkersAfter: 1, keepReadings: true });
  const records = c.records.map((r) => ({ ...r, hash: r.hash.toString("hex") })).sort((a, b) => a.index - b.index);
  return { records, readings: c.readings.length, counts: findings.counts(), signers: [...(signers?.byEnvelope ?? [])].sort() };
}

for (const tamper of [false, true]) {
  t.test(`workers agree with inline processing (${tamper ? "tampered" : "genuine"} export)`, async (t) => {
    const text = exportText(tamper);
    const inline = await run(text, 0);
    const workers = await run(text, 1);
    t.equal(workers.records.length, 680);
    t.same(workers.records, inline.records, "same records, hashes and links");
    t.equal(workers.readings, inline.readings);
    t.same(workers.counts, inline.counts, "same findings");
    t.equal(inline.signers.length, 0, "inline: signatures are left to checkEnvelopes");
    t.equal(workers.signers.length, 100, "workers: every envelope's signer recovered while reading");
    const device = testDevice("workers").address;
    t.equal(workers.signers.filter(([, s]) => s === device).length, tamper ? 99 : 100);
    t.equal(workers.counts.EXPORT_MALFORMED, 1, "the malformed record line is reported");
    t.equal(workers.counts.RECORD_HASH_MISMATCH, tamper ? 1 : undefined);
    t.equal(workers.counts.BODY_COMMITMENT_MISMATCH, tamper ? 1 : undefined, "openings are checked on the workers too");
  });
}
