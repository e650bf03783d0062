// Each single-field mutation of an export (or regulator bundle) line is caught with its own finding code
// (fast-check picks the values). Fields the format documents as unauthenticated (generatedAt, labels) are not mutated.
import t from "tap";
import fc from "fast-check";
import { ledgerOnAnvil } from "./fixture/ledger-on-anvil.ts";
import { auditLines, codesOf } from "./fixture/audit-lines.ts";

type Line = Record<string, any>;
const { anvil, ledger } = await ledgerOnAnvil(t);
const pump = await ledger.register("pump-9");
ledger.submit(pump, 12, new Date().toISOString(), { samples: 3 });
await ledger.anchor();
ledger.submit(pump, 9, new Date().toISOString(), { make: "event", asset: "pump9" });
await ledger.anchor();
const clean = (await ledger.exportLines()) as Line[];

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((a) => "0x" + Buffer.from(a).toString("hex"));
const bump = fc.integer({ min: 1, max: 50 });
const first = (ls: Line[], type: string, nth = 0) => ls.filter((l) => l.type === type)[nth]!;
type Mutation = { field: string; codes: string[]; value: fc.Arbitrary<any>; apply: (ls: Line[], v: any) => void };
const mutations: Mutation[] = [
  { field: "record.record.body.values", codes: ["BODY_COMMITMENT_MISMATCH"], value: fc.double({ noNaN: true, noDefaultInfinity: true }), apply: (ls, v) => { first(ls, "record", 3).record.body.values[0] = v; } },
  { field: "record.record.salt", codes: ["BODY_COMMITMENT_MISMATCH"], value: hex(16), apply: (ls, v) => { first(ls, "record", 3).record.salt = v; } },
  { field: "record.record.stream.salt", codes: ["STREAM_ID_MISMATCH"], value: hex(16), apply: (ls, v) => { first(ls, "record", 3).record.stream.salt = v; } },
  { field: "record.record.personal.text", codes: ["PERSONAL_COMMITMENT_MISMATCH"], value: fc.string(), apply: (ls, v) => { first(ls, "record", 14).record.personal.text = `x${v}`; } },
  { field: "record.record (body removed)", codes: ["BODY_MISSING"], value: fc.constant(null), apply: (ls) => { const l = first(ls, "record", 3); l.record = { header: l.record.header }; } },
  { field: "record.record.header.ts", codes: ["RECORD_HASH_MISMATCH"], value: fc.integer({ min: 0, max: 4e12 }), apply: (ls, v) => { first(ls, "record", 3).record.header.ts = new Date(v).toISOString(); } },
  { field: "record.record.header.streamSeq", codes: ["RECORD_HASH_MISMATCH"], value: bump, apply: (ls, v) => { first(ls, "record", 3).record.header.streamSeq += v; } },
  { field: "record.hash", codes: ["RECORD_HASH_MISMATCH"], value: hex(32), apply: (ls, v) => { first(ls, "record", 3).hash = v; } },
  { field: "record.index", codes: ["RECORD_NOT_IN_LOG"], value: bump, apply: (ls, v) => { first(ls, "record", 3).index += v; } },
  { field: "record.envelope", codes: ["ENVELOPE_UNKNOWN"], value: fc.string({ minLength: 1 }), apply: (ls, v) => { first(ls, "record", 3).envelope = `x${v}`; } },
  { field: "envelope.signature", codes: ["ENVELOPE_SIGNATURE_INVALID"], value: hex(65), apply: (ls, v) => { first(ls, "envelope").signature = v; } },
  { field: "envelope.header.firstSeq", codes: ["ENVELOPE_SIGNATURE_INVALID"], value: bump, apply: (ls, v) => { first(ls, "envelope").header.firstSeq += v; } },
  { field: "envelope.header.recordsRoot", codes: ["ENVELOPE_ROOT_MISMATCH"], value: hex(32), apply: (ls, v) => { first(ls, "envelope").header.recordsRoot = v; } },
  { field: "checkpoint.root", codes: ["CHECKPOINT_STORED_MISMATCH"], value: hex(32), apply: (ls, v) => { first(ls, "checkpoint").root = v; } },
  { field: "checkpoint.treeSize", codes: ["CHECKPOINT_STORED_MISMATCH"], value: bump, apply: (ls, v) => { first(ls, "checkpoint").treeSize += v; } },
  { field: "checkpoint.blockNumber", codes: ["CHECKPOINT_STORED_MISMATCH"], value: bump, apply: (ls, v) => { first(ls, "checkpoint").blockNumber += v; } },
  { field: "checkpoint.txHash", codes: ["ANCHOR_TX_MISMATCH"], value: hex(32), apply: (ls, v) => { first(ls, "checkpoint").txHash = v; } },
  { field: "checkpoint.receipt.blockHash", codes: ["ANCHOR_TX_MISMATCH"], value: hex(32), apply: (ls, v) => { first(ls, "checkpoint").receipt.blockHash = v; } },
  { field: "device.registered", codes: ["DEVICE_SNAPSHOT_MISMATCH"], value: fc.constant(false), apply: (ls, v) => { first(ls, "device").registered = v; } },
  { field: "device.role", codes: ["DEVICE_SNAPSHOT_MISMATCH"], value: fc.constant("service"), apply: (ls, v) => { first(ls, "device").role = v; } },
  { field: "device.metadataHash", codes: ["DEVICE_SNAPSHOT_MISMATCH"], value: hex(32), apply: (ls, v) => { first(ls, "device").metadataHash = v; } },
  { field: "leaves.hashes", codes: ["CHECKPOINT_ROOT_MISMATCH"], value: fc.tuple(fc.integer({ min: 0, max: 20 }), hex(32)), apply: (ls, [i, v]) => { first(ls, "leaves").hashes[i] = v; } },
  { field: "header.treeSize", codes: ["EXPORT_TRUNCATED"], value: bump, apply: (ls, v) => { ls[0]!.treeSize += v; } },
  { field: "end.counts.record", codes: ["EXPORT_TRUNCATED"], value: bump, apply: (ls, v) => { ls.at(-1)!.counts.record += v; } },
];

t.test("the genuine export is clean", async (t) => {
  t.same((await auditLines(clean, anvil.url)).counts, {});
});

t.test("each single-field mutation is caught with its own code", async (t) => {
  for (const m of mutations) {
    await fc.assert(fc.asyncProperty(m.value, async (v) => {
      const lines = structuredClone(clean);
      m.apply(lines, v);
      fc.pre(JSON.stringify(lines) !== JSON.stringify(clean));
      const codes = codesOf(await auditLines(lines, anvil.url));
      return codes.some((c) => m.codes.includes(c));
    }), { numRuns: 2, seed: 424242 });
    t.pass(`${m.field}: ${m.codes.join(" or ")}`);
  }
});
