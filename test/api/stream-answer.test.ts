// Stream answers built from the real database at an anchored checkpoint verify with core's verifyStreamAnswer
// against LedgerAnchor (facts read as streamChainFactsQuery lists them): middle, empty, start, present; and a
// record omitted from a real answer is detected as stream_gap.
import t from "tap";
import { streamChainFactsQuery, verifyStreamAnswer, type StreamAnswer } from "../../core/index.ts";
import type { ChainConnection } from "../../server/chain/connection.ts";
import { buildStreamAnswer } from "../../server/api/stream-answer.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { readChainFactsV2 } from "./chain-facts-v2.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

t.test("stream answers from the database verify against the chain", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const device = await api.newDevice();
  const a = device.envelope(api.domain, 3, { make: "reading", stream: "PT-7.PV" });
  const s = device.envelope(api.domain, 2);
  const b = device.envelope(api.domain, 3, { make: "reading", stream: "PT-7.PV" });
  for (const env of [a, s, b]) { const res = await api.submit(env); t.ok(res.status < 300, `submitted (${res.status})`); }
  await api.waitAnchored(8);
  const chain = { chainId: Number(api.domain.chainId), contractAddress: api.domain.verifyingContract } as unknown as ChainConnection;
  const pt = [...a.records, ...b.records].map((r) => r.header);
  const ms = (x: string, d: number) => new Date(Date.parse(x) + d).toISOString();
  const ask = async (from: string, to: string) => {
    const answer = await buildStreamAnswer(api.ownerDb, chain, { device: device.address.toLowerCase(), name: "PT-7.PV", from, to, limit: 100 }) as StreamAnswer;
    return { answer, facts: await readChainFactsV2(api.chain, streamChainFactsQuery(answer)) };
  };
  const cases: [string, string, string, number][] = [
    ["middle", pt[1]!.from, ms(pt[3]!.to, 1), 3],
    ["empty", ms(pt[2]!.to, 1), pt[3]!.from, 0],
    ["start", ms(pt[0]!.from, -1000), ms(pt[0]!.to, 1), 1],
    ["present", pt[4]!.from, ms(pt[5]!.to, 60_000), 2],
  ];
  for (const [name, from, to, count] of cases) {
    if (!(from < to)) { t.fail(`${name}: degenerate window`); continue; }
    const { answer, facts } = await ask(from, to);
    const r = verifyStreamAnswer(answer, facts);
    t.ok(r.ok, name, { failed: r.checks.filter((c) => !c.ok) });
    t.equal(answer.records.length, count, `${name}: ${count} records`);
  }
  const { answer, facts } = await ask(pt[1]!.from, ms(pt[3]!.to, 1));
  answer.records.splice(1, 1);
  t.ok(verifyStreamAnswer(answer, facts).checks.some((c) => c.code === "stream_gap"), "an omitted record is a stream_gap");
});
