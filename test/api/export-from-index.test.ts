// GET /v1/export?fromIndex=N (the incremental audit's resume): only records and leaves at leaf index >= N, the
// header's range starting there, still full scope; a bad fromIndex is a 400 naming the field.
import t from "tap";
import { stopTestCluster } from "../helpers/postgres.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

t.test("?fromIndex=N exports [N, treeSize) in full scope", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const device = await api.newDevice();
  t.equal((await api.submit(device.envelope(api.domain, 6))).status, 201);
  t.equal((await api.submit(device.envelope(api.domain, 4))).status, 201);
  const auditor = await api.principal("auditor", "auditor");
  const lines = async (q: string) => (await api.get(`/v1/export${q}`, auditor.key)).body.trim().split("\n").map((l) => JSON.parse(l));
  const all = await lines("");
  const some = await lines("?fromIndex=6");
  const header = some[0];
  t.equal(header.scope, "full");
  t.equal(header.range.fromIndex, 6);
  const records = some.filter((l) => l.type === "record");
  // Each export appends an access record, so the log grew by one since `all` was taken.
  t.same(records.map((r) => r.index), Array.from({ length: header.treeSize - 6 }, (_, i) => 6 + i), "only the records from leaf 6, every one of them");
  t.same(records.slice(0, 4).map((r) => r.hash), all.filter((l) => l.type === "record" && l.index >= 6 && l.index < 10).map((r) => r.hash));
  const leaves = some.filter((l) => l.type === "leaves");
  t.equal(leaves[0].start, 6, "the leaves start at fromIndex");
  t.same(leaves.flatMap((l) => l.hashes).slice(0, 4), all.filter((l) => l.type === "leaves").flatMap((l) => l.hashes).slice(6, 10));
  t.notOk(some.some((l) => l.type === "envelope" && l.header.device === device.address.toLowerCase() && l.header.firstSeq === 1), "not the envelope of the records before leaf 6");
  t.match(some.at(-1), { type: "end", counts: { record: header.treeSize - 6, leaves: header.treeSize - 6 } });
  const beyond = await lines("?fromIndex=1000");
  t.equal(beyond[0].range.fromIndex, beyond[0].treeSize, "clamped to the tree size");
  t.equal(beyond.filter((l) => l.type === "record").length, 0);

  const bad = await api.get("/v1/export?fromIndex=-1", auditor.key);
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { path: ["fromIndex"] });
});
