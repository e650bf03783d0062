// A synthetic device log for stream-answer tests: two interleaved reading streams, A at even leaves and B at odd
// ones, one record a minute, anchored as one checkpoint; `answer` builds the honest answer for a window.
import {
  MerkleTree, multiProofFromSubtrees, recordHash, sealRecord, stubOf, toHex32, toTimestamp,
  type ChainFactsV2, type FullRecord, type StreamAnswer, type StreamEntry,
} from "../../../core/index.ts";

export const DEVICE = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
export const CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const T0 = Date.parse("2026-11-24T22:00:00.000Z");
export const at = (minute: number) => toTimestamp(T0 + minute * 60_000);
const salt = (n: number) => `0x${n.toString(16).padStart(32, "0")}`;
export const STREAMS = { A: { name: "TT-101.PV", salt: salt(0xa) }, B: { name: "TT-102.PV", salt: salt(0xb) } };

export function streamLog(perStream: number) {
  const records: FullRecord[] = [];
  const heads: Record<"A" | "B", FullRecord | null> = { A: null, B: null };
  for (let i = 0; i < perStream * 2; i++) {
    const which = i % 2 === 0 ? "A" : "B", head = heads[which], prev = records.at(-1);
    const r = sealRecord({
      header: {
        device: DEVICE, seq: i + 1, prev: prev === undefined ? null : recordHash(prev.header), streamSeq: (head?.header.streamSeq ?? 0) + 1,
        streamPrev: head === null ? null : recordHash(head.header), kind: "reading", from: at(i), to: at(i), ts: at(i),
      },
      stream: STREAMS[which], salt: salt(0x1000 + i),
      body: { nodeId: `ns=2;s=${STREAMS[which].name}`, unit: "degC", value: { t: "Double", v: 20 + i }, status: 0 },
    });
    records.push(r);
    heads[which] = r;
  }
  const tree = MerkleTree.fromLeafHashes(records.map((r) => recordHash(r.header)));
  const anchor = { chainId: 31337, contract: CONTRACT, checkpointIndex: 0, treeSize: tree.size, root: toHex32(tree.root()), txHash: `0x${"ab".repeat(32)}`, blockNumber: 7 };
  const facts: ChainFactsV2 = {
    chainId: 31337, contract: CONTRACT, checkpoint: { index: 0, treeSize: tree.size, root: anchor.root, blockNumber: 7 },
    firstCovering: { index: 0, treeSize: tree.size }, device: { address: DEVICE, registered: true, revoked: false, revokedAtCheckpoint: 0, role: "device" },
  };
  /** The honest answer for stream `which` and window [from, to) (minutes), at most `limit` records. */
  function answer(which: "A" | "B", from: number, to: number, limit = 4096): StreamAnswer {
    const mine = records.map((record, index) => ({ index, record })).filter((e) => e.record.stream.name === STREAMS[which].name);
    const inside = mine.filter((e) => e.record.header.from < at(to) && e.record.header.to >= at(from));
    const beforeAll = mine.filter((e) => e.record.header.to < at(from));
    const afterAll = mine.filter((e) => e.record.header.from >= at(to));
    const page = inside.slice(0, limit), truncated = inside.length > limit;
    const stub = (e: StreamEntry | undefined) => (e === undefined ? null : { index: e.index, record: stubOf(e.record as FullRecord) });
    const before = stub(beforeAll.at(-1)), after = truncated ? stub(inside[limit]) : stub(afterAll[0]);
    const indexes = [before, ...page, after].filter((e) => e !== null).map((e) => e.index);
    return {
      version: "otledger.stream-answer/1", device: DEVICE, stream: STREAMS[which], window: { from: at(from), to: at(to) },
      before, records: page, after, truncated, anchor, proof: multiProofFromSubtrees(indexes, tree.size, tree.lookup).map(toHex32),
    };
  }
  return { records, tree, anchor, facts, answer };
}
