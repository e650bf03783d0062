// docs/PROTOCOL.md quotes vector values inline: every quoted hash, signature and canonical text must be in docs/vectors.
import t from "tap";
import { readdirSync, readFileSync } from "node:fs";

const docs = new URL("../../docs/", import.meta.url);
const spec = readFileSync(new URL("PROTOCOL.md", docs), "utf8");
const vectors = readdirSync(new URL("vectors/", docs)).filter((f) => f.endsWith(".json")).map((f) => readFileSync(new URL(`vectors/${f}`, docs), "utf8")).join("\n");

t.test("every hash and signature quoted in the spec comes from the vectors", async (t) => {
  const quoted = [...spec.matchAll(/`(0x[0-9a-f]{64}(?:[0-9a-f]{66})?)`/g)].map((m) => m[1]!);
  t.ok(quoted.length >= 15, `${quoted.length} values quoted`);
  for (const value of quoted) t.ok(vectors.includes(value), value.slice(0, 18));
});

t.test("the canonical text quoted in the spec is a vector's", async (t) => {
  const block = spec.match(/```\n(\{"body".*\})\n```/)?.[1];
  t.ok(block);
  t.ok(vectors.includes(JSON.stringify(block)), "appears (JSON-escaped) in records.json");
});

t.test("the mutation count stated in the spec matches the bundle vector", async (t) => {
  const stated = Number(spec.match(/(\d+) single-field mutations/)?.[1]);
  t.equal(stated, JSON.parse(readFileSync(new URL("vectors/bundle.json", docs), "utf8")).mutations.length);
});
