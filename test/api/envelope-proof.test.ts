// Envelope proofs from GET /v1/envelopes/{device}/{firstSeq}/proof: pending until the whole envelope is anchored,
// then verified with core (range proof against the root read from LedgerAnchor); scoped like records (an
// envelope not wholly in scope is 404); one access record per request; bad parameters are 400 with their path.
import t from "tap";
import {
  envelopeChainFactsQueryV2, recordHash, verifyEnvelopeProofV2, verifyRangeInclusion, type EnvelopeProofV2,
  type FullRecord,
} from "../../core/index.ts";
import { stopTestCluster } from "../helpers/postgres.ts";
import { waitFor } from "../helpers/wait.ts";
import { readChainFactsV2 } from "./chain-facts-v2.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

const hashOf = (r: FullRecord) => recordHash(r.header);
type Entry = { principalId: number | null; route: string | null; count: number | null; filter: Record<string, unknown> };

t.test("envelope proofs: pending, anchored and verified against the chain, scoped, logged once", async (t) => {
  // The first checkpoint is cut at once; later ones only every 8 leaves (the hour-long interval never fires).
  const api = await startApiLedger({ config: { CHECKPOINT_INTERVAL_MS: 3_600_000, CHECKPOINT_MAX_LEAVES: 8 } });
  t.teardown(() => api.close());
  const [a, b] = [await api.newDevice({ register: false }), await api.newDevice({ register: false })];
  await api.enroll(a, "plant-1");
  await api.enroll(b, "plant-2");
  const auditor = await api.principal("auditor", "auditor");
  await api.submit(a.envelope(api.domain, 2));
  await api.waitAnchored(2);

  const env = a.envelope(api.domain, 5);
  const receipt = (await api.submit(env)).body;
  const url = `/v1/envelopes/${a.address.toUpperCase().replace("0X", "0x")}/${env.header.firstSeq}/proof`;
  const pending = await api.get(url, auditor.key);
  t.equal(pending.statusCode, 202, "not anchored yet");
  const firstIndex = receipt.records[0]!.index;
  t.same(pending.json(), { status: "pending", firstIndex, count: 5, expectedCheckpoint: { minTreeSize: firstIndex + 5, index: 1 } });

  await api.submit(b.envelope(api.domain, 8)); // enough leaves for checkpoint 1
  await waitFor(async () => ((await api.get(url, auditor.key)).statusCode === 200 ? true : undefined), { what: "the envelope anchored" });
  const res = await api.get(url, auditor.key);
  const proof = res.json() as EnvelopeProofV2;
  t.equal(proof.version, "otledger.envelope-proof/2");
  t.same(proof.recordHashes, env.records.map(hashOf), "the records' hashes, in seq order");
  t.equal(proof.log.firstIndex, firstIndex);
  t.same(proof.header, env.header);
  const facts = await readChainFactsV2(api.chain, envelopeChainFactsQueryV2(proof));
  const onChain = facts.checkpoint!;
  t.equal(onChain.root, proof.anchor.root, "the anchor names the chain's root");
  t.doesNotThrow(() => verifyRangeInclusion(proof.log.firstIndex, env.records.map(hashOf), Number(onChain.treeSize), proof.log.proof, onChain.root), "range proof against the on-chain root");
  const verdict = verifyEnvelopeProofV2(proof, facts);
  t.same(verdict.checks.filter((c) => !c.ok), [], "every check of the envelope proof v2 passes");
  t.notOk(verdict.checks.some((c) => c.skipped), "the anchor transaction checked too");
  const forged = structuredClone(proof);
  forged.log.proof[0] = "0x" + "00".repeat(32);
  t.same(verifyEnvelopeProofV2(forged, facts).checks.filter((c) => !c.ok).map((c) => c.code), ["log_root_mismatch"], "a changed proof hash");
  const swapped = structuredClone(proof);
  [swapped.recordHashes[1], swapped.recordHashes[2]] = [swapped.recordHashes[2]!, swapped.recordHashes[1]!];
  t.ok(verifyEnvelopeProofV2(swapped, facts).checks.some((c) => c.code === "log_root_mismatch"), "reordered leaves");

  await t.test("?treeSize=: an older checkpoint that does not hold the envelope is a 400", async (t) => {
    const old = await api.get(`${url}?treeSize=2`, auditor.key);
    t.match(old.json(), { statusCode: 400, code: "record_not_in_tree", path: ["treeSize"] });
    const exact = await api.get(`${url}?treeSize=${proof.anchor.treeSize}`, auditor.key);
    t.same(exact.json(), proof);
  });

  await t.test("scope: the envelope must be wholly visible to the caller, else 404", async (t) => {
    const site = await api.principal("plant-1 partner", "partner");
    await api.grant(site.id, { site: "plant-1" });
    const events = await api.principal("events partner", "partner");
    await api.grant(events.id, { device: a.address, kind: "event" });
    t.equal((await api.get(url, site.key)).statusCode, 200);
    const other = await api.get(`/v1/envelopes/${b.address}/1/proof`, site.key);
    t.match(other.json(), { statusCode: 404, code: "not_found" });
    t.equal((await api.get(`/v1/envelopes/${b.address}/1/proof`, auditor.key)).statusCode, 200, "auditors see every device");
    t.equal((await api.get(url, events.key)).statusCode, 404, "readings are outside an event-only grant");
    t.equal((await api.get(`/v1/envelopes/${a.address}/2/proof`, auditor.key)).statusCode, 404, "no envelope starts at seq 2");

    const entries = await waitFor(async () => {
      const list = (await api.get("/v1/access-log?limit=1000", auditor.key)).json().entries as Entry[];
      const mine = list.filter((e) => e.principalId === site.id);
      return mine.length === 2 ? mine : undefined;
    }, { what: "the partner's two access records" });
    t.same(entries.map((e) => [e.route, e.count]), [["GET /v1/envelopes/:device/:firstSeq/proof", 5], ["GET /v1/envelopes/:device/:firstSeq/proof", 0]], "one access record per request, counting the envelope's records");
  });

  await t.test("documented in OpenAPI", async (t) => {
    const op = (await api.get("/openapi.json")).json().paths["/v1/envelopes/{device}/{firstSeq}/proof"]?.get;
    t.ok(op, "the route is documented");
    t.same(op.parameters.map((p: { name: string }) => p.name).sort(), ["device", "firstSeq", "treeSize"]);
    t.ok(op.responses["202"] && op.responses["404"], "pending and not-found answers are documented");
  });

  await t.test("bad parameters: 400 with the field path", async (t) => {
    const cases: [string, string][] = [
      ["/v1/envelopes/0x1234/1/proof", "device"],
      [`/v1/envelopes/${a.address}/0/proof`, "firstSeq"],
      [`/v1/envelopes/${a.address}/one/proof`, "firstSeq"],
      [`${url}?treeSize=0`, "treeSize"],
      [`${url}?treeSize=big`, "treeSize"],
      [`${url}?at=1`, "at"],
    ];
    for (const [path, field] of cases) {
      const r = await api.get(path, auditor.key);
      t.equal(r.statusCode, 400, path);
      t.same(r.json().path, [field], `${path} names ${field}`);
      t.ok(r.json().code, "with a code");
    }
  });
});
