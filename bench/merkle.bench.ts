// Tree build time: otledger core (RFC 9162, SHA-256 over a flat buffer) vs @openzeppelin/merkle-tree and merkletreejs.
//   node_modules/node/bin/node --experimental-strip-types bench/merkle.bench.ts [--oz-max=100000] [--runs=5]
// Prints one JSON document. Each library builds a tree over the same n random 32-byte leaf hashes (leaf hashing
// excluded); medians and min/max over several runs after one warm-up. OpenZeppelin is capped (default 1e5 leaves,
// ~80 s per build at 1e6 on this machine) and uses its own design: keccak256 with sorted pairs.
import { createHash, randomBytes } from "node:crypto";
import os from "node:os";
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { MerkleTree as MerkleTreeJs } from "merkletreejs";
import { CompactRange, MerkleTree, toHex32 } from "../core/index.ts";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const SIZES = [1e4, 1e5, 1e6];
const RUNS = arg("runs", 5);
const OZ_MAX = arg("oz-max", 1e5);

type Stats = { n: number; runs: number; medianMs: number; minMs: number; maxMs: number } | { n: number; skipped: string };

function measure(n: number, runs: number, build: () => unknown, warmUp = true): Stats {
  if (warmUp) build(); // JIT, allocator
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    build();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return { n, runs, medianMs: round(times[Math.floor(times.length / 2)]!), minMs: round(times[0]!), maxMs: round(times[times.length - 1]!) };
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest();
const results: Record<string, Stats[]> = { "otledger MerkleTree": [], "otledger CompactRange (append one by one)": [], merkletreejs: [], "@openzeppelin/merkle-tree": [] };
let check = "";

for (const n of SIZES) {
  const flat = randomBytes(n * 32);
  const leafBuffers = Array.from({ length: n }, (_, i) => flat.subarray(i * 32, i * 32 + 32));
  const leafHex = leafBuffers.map((b) => toHex32(b));
  results["otledger MerkleTree"]!.push(measure(n, RUNS, () => new MerkleTree(flat).root()));
  results["otledger CompactRange (append one by one)"]!.push(measure(n, RUNS, () => {
    const range = CompactRange.empty();
    for (const leaf of leafBuffers) range.append(leaf);
    return range.root();
  }));
  // Same shape as RFC 9162 for the root (odd nodes promoted); no 0x01 domain prefix, so roots differ from ours.
  results.merkletreejs!.push(measure(n, n >= 1e6 ? Math.min(RUNS, 3) : RUNS, () => new MerkleTreeJs(leafBuffers, sha256, { hashLeaves: false }).getRoot()));
  results["@openzeppelin/merkle-tree"]!.push(n > OZ_MAX
    ? { n, skipped: `capped at ${OZ_MAX} leaves (pass --oz-max=${n} to include; ~80 s per build at 1e6 here)` }
    // Above 1e5 a single cold run: it is already warm from the smaller sizes and each build takes over a minute.
    : measure(n, n > 1e5 ? 1 : n === 1e5 ? Math.min(RUNS, 3) : RUNS, () => SimpleMerkleTree.of(leafHex, { sortLeaves: false }).root, n <= 1e5));
  if (n === 1e4) check = toHex32(new MerkleTree(flat).root()) === toHex32((() => { const r = CompactRange.empty(); leafBuffers.forEach((l) => r.append(l)); return r.root(); })()) ? "batch and incremental roots agree" : "ROOTS DIFFER";
}

console.log(JSON.stringify({
  benchmark: "merkle tree build (leaf hashes given)",
  method: `median/min/max of ${RUNS} timed runs after one warm-up (fewer runs for slow libraries at large n), performance.now() around the build`,
  machine: { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown" },
  sanity: check,
  results,
}, null, 2));
