/**
 * Signed test envelopes. A TestDevice owns a random key and its chain state (next seq, prev hash) and emits
 * consecutive, correctly chained records and EIP-712 signed envelopes, built with core's own functions.
 *
 *   const device = new TestDevice();                      // random key; device.address is lowercase
 *   const env = device.envelope(domain, 250);             // records seq 1..250, signed; state advances
 *   const again = device.envelope(domain, 10, { commit: false }); // build without advancing
 *   const rec = readingRecord(device.address, 1, null);   // one valid record, for hand-made cases
 *
 * `domain` is envelopeDomain(chainId, contract) (the ledger helper exposes it as `ledger.domain`).
 */
import { Wallet } from "ethers";
import { buildEnvelope, recordHash, type Eip712Domain, type Envelope, type Hex32, type Record } from "../../core/index.ts";

const BASE_TIME = Date.UTC(2026, 10, 24, 12, 0, 0);

/** A valid reading record; `ts` advances one second per seq, `value` varies with it. */
export function readingRecord(device: string, seq: number, prev: Hex32 | null, tag = "pump1.pressure"): Record {
  const ts = new Date(BASE_TIME + seq * 1000).toISOString();
  return {
    v: 1, device, seq, prev, ts, kind: "reading",
    body: { tag, nodeId: "ns=2;s=Pump1.Pressure", value: { t: "Double", v: 3 + (seq % 100) / 8 }, unit: "bar", status: 0, sourceTs: ts, serverTs: ts },
  };
}

/** A valid maintenance event record. */
export function eventRecord(device: string, seq: number, prev: Hex32 | null, text = "replaced seal"): Record {
  return {
    v: 1, device, seq, prev, ts: new Date(BASE_TIME + seq * 1000).toISOString(), kind: "event",
    body: { type: "maintenance", asset: "pump1", workOrder: "WO-4711", actor: "technician 7", text },
  };
}

export class TestDevice {
  readonly wallet: Wallet;
  readonly address: string;
  /** Seq of the last record emitted (0 before the first). */
  seq = 0;
  /** Hash of the last record emitted. */
  prev: Hex32 | null = null;

  constructor(wallet: Wallet = Wallet.createRandom() as unknown as Wallet) {
    this.wallet = wallet;
    this.address = wallet.address.toLowerCase();
  }

  /** The next `count` records; advances the chain state unless commit is false. */
  records(count: number, options: { commit?: boolean; make?: typeof readingRecord } = {}): Record[] {
    const make = options.make ?? readingRecord;
    const out: Record[] = [];
    let prev = this.prev;
    for (let i = 1; i <= count; i++) {
      const r = make(this.address, this.seq + i, prev);
      out.push(r);
      prev = recordHash(r);
    }
    if (options.commit !== false) { this.seq += count; this.prev = prev; }
    return out;
  }

  /** A signed envelope of the next `count` records. */
  envelope(domain: Eip712Domain, count: number, options: { commit?: boolean; make?: typeof readingRecord } = {}): Envelope {
    return signedEnvelope(domain, this.wallet, this.records(count, options));
  }
}

/** Signs consecutive records of the wallet's device into an envelope. */
export function signedEnvelope(domain: Eip712Domain, wallet: Wallet, records: Record[]): Envelope {
  return buildEnvelope(records, domain, wallet);
}
