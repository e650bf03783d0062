// Gas of LedgerAnchor on Hardhat's in-process EDR chain: `anchor` vs tree size (10^3, 10^6, 10^9) and proof
// length, plus registerDevice / revokeDevice and the verifyInclusion view. Prints a table, then one JSON line.
//   node_modules/node/bin/node --experimental-strip-types bench/gas.bench.ts
//
// A 10^9-leaf tree is not materialised: leaves before TAIL_START are all the same record, so every perfect
// subtree there at level l has the same hash h[l]; the last TAIL leaves are distinct and their subtrees are hashed
// for real. The proofs are genuine RFC 9162 proofs (core's range code over that subtree lookup) with the length
// and shape of any tree of that size, and their hashes are distinct where the proof touches the tail.
import hre from "hardhat";
import { BrowserProvider, Contract, ContractFactory, Wallet, id } from "ethers";
import type { JsonRpcSigner } from "ethers";
import { ledgerAnchorAbi, ledgerAnchorBytecode } from "../core/ledger-anchor-artifact.ts";
import { consistencyProofFromSubtrees, inclusionProofFromSubtrees, rootFromSubtrees } from "../core/merkle.ts";
import { leafHash, nodeHash } from "../core/hash.ts";

const TAIL = 2 ** 16;
const SIZES = [1_000, 1_000_000, 1_000_000_000];
const RANDOM_PAIRS = 20;

function syntheticTree(size: number) {
  const tailStart = Math.max(0, size - TAIL);
  const same: Buffer[] = [leafHash(Buffer.from("same record"))];
  for (let l = 1; l < 64; l++) same.push(nodeHash(same[l - 1]!, same[l - 1]!));
  const memo = new Map<string, Buffer>();
  const lookup = (level: number, index: number): Buffer => {
    const start = index * 2 ** level;
    if (start + 2 ** level <= tailStart) return same[level]!;
    if (level === 0) return leafHash(Buffer.from(`record ${index}`));
    const key = `${level}/${index}`;
    let h = memo.get(key);
    if (h === undefined) memo.set(key, (h = nodeHash(lookup(level - 1, 2 * index), lookup(level - 1, 2 * index + 1))));
    return h;
  };
  return lookup;
}

const hex = (b: Uint8Array) => "0x" + Buffer.from(b).toString("hex");
function calldataGas(data: string): number {
  let gas = 0;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
}
function seeded(seed: number) {
  return () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const connection = await hre.network.connect();
const provider = new BrowserProvider(connection.provider, undefined, { cacheTimeout: -1 });
const admin: JsonRpcSigner = await provider.getSigner(0);
const factory = new ContractFactory(ledgerAnchorAbi, ledgerAnchorBytecode, admin);
async function deploy(): Promise<Contract> {
  const c = await factory.deploy(admin.address, admin.address, admin.address);
  await c.waitForDeployment();
  return new Contract(await c.getAddress(), ledgerAnchorAbi, admin);
}
async function send(contract: Contract, method: string, ...args: unknown[]) {
  const tx = await contract.getFunction(method)(...args);
  const receipt = await tx.wait();
  return { gas: Number(receipt.gasUsed), calldata: calldataGas(tx.data) };
}

type Row = { treeSize: number; oldSize: number; proofLength: number; gas: number; calldataGas: number; kind: string };
const rows: Row[] = [];
const random = seeded(9162);
for (const n of SIZES) {
  const lookup = syntheticTree(n);
  const batches = n === 1_000 ? [1, 100, 500] : [1, 100, 1000, 10_000];
  const randomOld = Array.from({ length: RANDOM_PAIRS }, () => n - 1 - Math.floor(random() * Math.min(TAIL, n / 2)));
  for (const [kind, m] of [...batches.map((b) => [`batch ${b}`, n - b] as const), ...randomOld.map((m) => ["random", m] as const)]) {
    const ledger = await deploy();
    const first = await send(ledger, "anchor", m, hex(rootFromSubtrees(m, lookup)), []);
    if (kind === "batch 1") rows.push({ treeSize: m, oldSize: 0, proofLength: 0, gas: first.gas, calldataGas: first.calldata, kind: "first checkpoint" });
    const proof = consistencyProofFromSubtrees(m, n, lookup).map(hex);
    const r = await send(ledger, "anchor", n, hex(rootFromSubtrees(n, lookup)), proof);
    rows.push({ treeSize: n, oldSize: m, proofLength: proof.length, gas: r.gas, calldataGas: r.calldata, kind });
  }
}

// Registry and the inclusion view (eth_estimateGas of a call: what a contract calling it would pay, plus 21000).
const ledger = await deploy();
const device = Wallet.createRandom().address;
const register = await send(ledger, "registerDevice", device, id("metadata"));
const revoke = await send(ledger, "revokeDevice", device);
const n = 1_000_000_000;
const lookup = syntheticTree(n);
await send(ledger, "anchor", n, hex(rootFromSubtrees(n, lookup)), []);
const leaf = n - 12_345;
const inclusion = inclusionProofFromSubtrees(leaf, n, lookup).map(hex);
const verify = ledger.getFunction("verifyInclusion");
if (!(await verify(0, leaf, hex(lookup(0, leaf)), inclusion))) throw new Error("inclusion proof did not verify");
const inclusionGas = Number(await verify.estimateGas(0, leaf, hex(lookup(0, leaf)), inclusion));
await connection.close();

const summary = SIZES.map((size) => {
  const g = rows.filter((r) => r.treeSize === size && r.kind !== "first checkpoint");
  const gas = g.map((r) => r.gas).sort((a, b) => a - b);
  const len = g.map((r) => r.proofLength);
  return { treeSize: size, pairs: g.length, proofLength: [Math.min(...len), Math.max(...len)], gasMin: gas[0], gasMedian: gas[gas.length >> 1], gasMax: gas.at(-1) };
});
console.log("kind               old size →   tree size  proof  gasUsed  (calldata)");
for (const r of rows.filter((r) => r.kind !== "random")) {
  console.log(`${r.kind.padEnd(17)} ${String(r.oldSize).padStart(10)} → ${String(r.treeSize).padStart(11)}  ${String(r.proofLength).padStart(5)}  ${String(r.gas).padStart(7)}  (${r.calldataGas})`);
}
console.log("\ntree size   random pairs  proof len  gas min  median     max");
for (const s of summary) {
  console.log(`${String(s.treeSize).padStart(10)}  ${String(s.pairs).padStart(12)}  ${s.proofLength.join("–").padStart(9)}  ${String(s.gasMin).padStart(7)}  ${String(s.gasMedian).padStart(6)}  ${String(s.gasMax).padStart(6)}`);
}
console.log(`\nregisterDevice ${register.gas}, revokeDevice ${revoke.gas}, verifyInclusion (10^9 leaves, ${inclusion.length} hashes, estimateGas) ${inclusionGas}`);
console.log(JSON.stringify({ bench: "ledger-anchor-gas", network: "hardhat-edr", anchor: rows, summary, registerDevice: register.gas, revokeDevice: revoke.gas, verifyInclusion: { treeSize: n, proofLength: inclusion.length, estimateGas: inclusionGas } }));
