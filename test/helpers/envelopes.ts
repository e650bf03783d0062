/**
 * Signed test envelopes (docs/PROTOCOL.md). A TestDeviceV2 owns a random key, its device chain
 * (seq, prev) and one chain per stream (salt, streamSeq, streamPrev, last `to`), and emits consecutive, correctly
 * chained records sealed with core's own functions.
 *
 *   const device = new TestDeviceV2();
 *   const env = device.envelope(domain, 10);                       // 10 series of 60 samples, tag "TT-101.PV"
 *   const env2 = device.envelope(domain, 5, { make: "reading", stream: "PT-7.PV" });
 *   const ev = device.envelope(domain, 1, { make: "event" });      // stream "@events/pump1"
 *   const again = device.envelope(domain, 3, { commit: false });   // build without advancing
 *
 * `domain` is envelopeDomainV2(chainId, contract). Times advance one second per sample from BASE_TIME, per stream.
 */
import { randomBytes } from "node:crypto";
import { Wallet } from "ethers";
import {
  buildEnvelopeV2, buildSeriesBody, recordHash, sealRecord, type Eip712DomainV2, type EnvelopeV2, type FullRecord,
  type Hex32, type Sample, type SealInput,
} from "../../core/index.ts";

export const BASE_TIME = Date.UTC(2026, 10, 24, 12, 0, 0);

export const newSalt = (): string => `0x${randomBytes(16).toString("hex")}`;

export type StreamState = { name: string; salt: string; streamSeq: number; streamPrev: Hex32 | null; lastTo: number };
export type RecordKindMaker = "series" | "reading" | "event";
export type RecordOptions = {
  commit?: boolean;
  make?: RecordKindMaker;
  /** Stream name: a tag for series and reading (default "TT-101.PV"), an asset for events (default "pump1"; null = "@events"). */
  stream?: string;
  asset?: string | null;
  /** Samples per series (default 60, 1 s apart). */
  samples?: number;
  /** Event text (the personal opening). */
  text?: string;
};

const isoAt = (ms: number) => new Date(ms).toISOString();

export class TestDeviceV2 {
  readonly wallet: Wallet;
  readonly address: string;
  /** Seq of the last record emitted (0 before the first). */
  seq = 0;
  /** Hash of the last record emitted. */
  prev: Hex32 | null = null;
  /** Chains per stream name. */
  readonly streams = new Map<string, StreamState>();

  constructor(wallet: Wallet = Wallet.createRandom() as unknown as Wallet) {
    this.wallet = wallet;
    this.address = wallet.address.toLowerCase();
  }

  stream(name: string): StreamState {
    let s = this.streams.get(name);
    if (s === undefined) { s = { name, salt: newSalt(), streamSeq: 0, streamPrev: null, lastTo: BASE_TIME - 1000 }; this.streams.set(name, s); }
    return s;
  }

  /** The next `count` records of one stream; advances device and stream state unless commit is false. */
  records(count: number, options: RecordOptions = {}): FullRecord[] {
    const make = options.make ?? "series";
    const name = make === "event"
      ? (options.asset === null ? "@events" : `@events/${options.asset ?? "pump1"}`)
      : options.stream ?? "TT-101.PV";
    const st = this.stream(name);
    let { seq, prev } = this;
    let { streamSeq, streamPrev, lastTo } = st;
    const out: FullRecord[] = [];
    for (let i = 0; i < count; i++) {
      seq += 1; streamSeq += 1;
      const from = lastTo + 1000;
      let input: Omit<SealInput, "header"> & { header: Omit<SealInput["header"], "from" | "to" | "ts"> & { from?: string; to?: string; ts?: string } };
      const base = { device: this.address, seq, prev, streamSeq, streamPrev };
      if (make === "series") {
        const n = options.samples ?? 60;
        const samples: Sample[] = Array.from({ length: n }, (_, k) => ({ t: from + k * 1000, serverTs: from + k * 1000, status: 0, value: { t: "Double", v: 20 + ((seq * 7 + k) % 100) / 8 } }));
        const built = buildSeriesBody({ nodeId: "ns=2;s=TT-101.PV", unit: "°C", dataType: "Double" }, samples);
        input = { header: { ...base, kind: "series", from: built.from, to: built.to, ts: built.to }, stream: { name, salt: st.salt }, salt: newSalt(), body: built.body };
        lastTo = from + (n - 1) * 1000;
      } else if (make === "reading") {
        const at = isoAt(from);
        input = { header: { ...base, kind: "reading", from: at, to: at, ts: at }, stream: { name, salt: st.salt }, salt: newSalt(), body: { nodeId: "ns=2;s=PT-7.PV", unit: "bar", value: { t: "Double", v: 3 + (seq % 100) / 8 }, status: 0 } };
        lastTo = from;
      } else {
        const at = isoAt(from);
        input = {
          header: { ...base, kind: "event", from: at, to: at, ts: at }, stream: { name, salt: st.salt }, salt: newSalt(),
          body: { type: "maintenance", asset: options.asset === undefined ? "pump1" : options.asset, workOrder: "WO-4711" },
          personal: { actor: "technician 7", text: options.text ?? "replaced seal" }, personalSalt: newSalt(),
        };
        lastTo = from;
      }
      const record = sealRecord(input as SealInput);
      out.push(record);
      prev = recordHash(record.header);
      streamPrev = prev;
    }
    if (options.commit !== false) {
      this.seq = seq; this.prev = prev;
      Object.assign(st, { streamSeq, streamPrev, lastTo });
    }
    return out;
  }

  /** A signed envelope of the next `count` records of one stream. */
  envelope(domain: Eip712DomainV2, count: number, options: RecordOptions = {}): EnvelopeV2 {
    return signedEnvelopeV2(domain, this.wallet, this.records(count, options));
  }

  /** A signed envelope of records already built (for mixing streams in one envelope). */
  sign(domain: Eip712DomainV2, records: FullRecord[]): EnvelopeV2 {
    return signedEnvelopeV2(domain, this.wallet, records);
  }
}

/** Signs consecutive records of the wallet's device into a v2 envelope. */
export function signedEnvelopeV2(domain: Eip712DomainV2, wallet: Wallet, records: FullRecord[]): EnvelopeV2 {
  return buildEnvelopeV2(records, domain, wallet);
}
