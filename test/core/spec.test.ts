// docs/PROTOCOL.md quotes vector values inline: every quoted hash, salt, signature and canonical text must be in
// docs/vectors, and stated counts must match them.
import t from "tap";
import { readdirSync, readFileSync } from "node:fs";

const docs = new URL("../../docs/", import.meta.url);
const spec = readFileSync(new URL("PROTOCOL.md", docs), "utf8");
const read = (dir: string) => readdirSync(new URL(dir, docs)).filter((f) => f.endsWith(".json")).map((f) => readFileSync(new URL(dir + f, docs), "utf8"));
const vectors = read("vectors/").join("\n");
const json = (name: string) => JSON.parse(readFileSync(new URL(`vectors/${name}`, docs), "utf8"));

t.test("every hash, salt and signature quoted in the spec comes from the vectors", async (t) => {
  const quoted = [...spec.matchAll(/`(0x[0-9a-f]{32}(?:[0-9a-f]{32})?(?:[0-9a-f]{66})?)`/g)].map((m) => m[1]!);
  t.ok(quoted.length >= 20, `${quoted.length} values quoted`);
  for (const value of quoted) t.ok(vectors.includes(value), value.slice(0, 18));
});

t.test("the canonical header quoted in the spec is the first vector record's", async (t) => {
  const block = spec.match(/```\n(\{"body".*\})\n```/)?.[1];
  t.equal(block, json("records.json").records[0].canonicalHeader);
});

t.test("the counts stated in the spec match the vectors", async (t) => {
  const r = json("records.json"), b = json("bundle.json");
  t.equal(Number(spec.match(/(\d+) single-field record mutations/)?.[1]), r.mutations.length);
  t.equal(Number(spec.match(/all (\d+) vector records/)?.[1]), r.records.length);
  t.equal(Number(spec.match(/(\d+) single-field mutations of the full bundle/)?.[1]), b.mutations.full.length);
  t.equal(Number(spec.match(/, (\d+) of the erased one/)?.[1]), b.mutations.erased.length);
  t.equal(Number(spec.match(/(\d+) mutations of the receipt/)?.[1]), json("receipt.json").mutations.length);
});

t.test("every code and check name of core is defined in the spec", async (t) => {
  const sources = ["checks.ts", "errors.ts"].map((f) => readFileSync(new URL(`../../core/${f}`, import.meta.url), "utf8")).join("\n");
  const codes = new Set([...sources.matchAll(/"([a-z]+(?:_[a-z0-9]+)+)"/g)].map((m) => m[1]!));
  t.ok(codes.size > 40);
  for (const code of codes) t.ok(spec.includes(`\`${code}\``), code);
});
