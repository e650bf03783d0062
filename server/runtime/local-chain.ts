// A local anvil chain for `npm start` without CHAIN_RPC_URL: state persisted under the data directory,
// LedgerAnchor deployed once (its address remembered beside the state), roles granted to anvil's dev accounts.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ContractFactory, JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ledgerAnchorAbi, ledgerAnchorBytecode } from "../../core/ledger-anchor-artifact.ts";
import { preferredPort } from "./free-port.ts";

/** anvil's well-known dev keys (mnemonic "test test … junk"): #0 admin, #1 anchorer, #2 registrar. Dev only. */
export const DEV_KEYS = {
  admin: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  anchorer: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  registrar: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
} as const;

export type Deployment = { chainId: number; contract: string; deployBlock: number };

export type LocalChain = Deployment & {
  rpcUrl: string;
  port: number;
  stateFile: string;
  /** File holding the anchorer key, as ANCHORER_KEY_FILE expects. */
  anchorerKeyFile: string;
  registrarKey: string;
  process: ChildProcess;
  stop(): Promise<void>;
};

/** The usual JSON-RPC port, so `otledger verify --rpc` defaults work with `npm start`; any free port if taken. */
export const DEFAULT_LOCAL_CHAIN_PORT = 8545;

export type LocalChainOptions = { dataDir: string; port?: number; chainId?: number };

const MODULES = resolve(import.meta.dirname, "../../node_modules");
/** The platform binary itself (signals reach anvil directly); the npm wrapper script as a fallback. */
const ANVIL = [join(MODULES, `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}/bin/anvil`), join(MODULES, ".bin/anvil")].find((p) => existsSync(p))!;

/** Starts anvil on 127.0.0.1 (state in dataDir/state.json) and returns it with LedgerAnchor deployed. */
export async function startLocalChain(options: LocalChainOptions): Promise<LocalChain> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const anvil = await startAnvil(dataDir, options.port ?? (await preferredPort(DEFAULT_LOCAL_CHAIN_PORT)), options.chainId ?? 31337);
  try {
    const deployment = await ensureDeployment(anvil.rpcUrl, join(dataDir, "deployment.json"));
    const anchorerKeyFile = join(dataDir, "anchorer.key");
    await writeFile(anchorerKeyFile, DEV_KEYS.anchorer + "\n", { mode: 0o600 });
    return { ...anvil, ...deployment, anchorerKeyFile, registrarKey: DEV_KEYS.registrar };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}

type Anvil = { rpcUrl: string; port: number; stateFile: string; process: ChildProcess; stop(): Promise<void> };

/** Spawns anvil and waits until it answers JSON-RPC. Stopping with SIGTERM makes it dump its state. */
export async function startAnvil(dataDir: string, port: number, chainId = 31337): Promise<Anvil> {
  const stateFile = join(dataDir, "state.json");
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId), "--state", stateFile, "--state-interval", "1"];
  const child = spawn(ANVIL, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const exited = new Promise<void>((res) => child.once("exit", () => res()));
  // Never outlive the parent, even if it dies without stopping us (SIGTERM: anvil still saves its state).
  const orphanGuard = () => { child.kill("SIGTERM"); };
  process.once("exit", orphanGuard);
  child.once("exit", () => process.off("exit", orphanGuard));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode}: ${stderr}`);
    if (await answers(rpcUrl)) break;
    if (Date.now() > deadline) { child.kill("SIGKILL"); throw new Error(`anvil did not start on ${rpcUrl}: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  return { rpcUrl, port, stateFile, process: child, stop };
}

async function answers(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Reuses the remembered deployment if its code is still on the chain; deploys (and remembers) otherwise. */
export async function ensureDeployment(rpcUrl: string, file: string): Promise<Deployment> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
  try {
    const chainId = Number((await provider.getNetwork()).chainId);
    if (existsSync(file)) {
      const known = JSON.parse(await readFile(file, "utf8")) as Deployment;
      if (known.chainId === chainId && (await provider.getCode(known.contract)) !== "0x") return known;
    }
    const deployment = await deployLedgerAnchor(provider);
    await writeFile(file, JSON.stringify(deployment, null, 2) + "\n");
    return deployment;
  } finally {
    provider.destroy();
  }
}

/** Deploys LedgerAnchor(admin, anchorer, registrar) with the dev keys. */
export async function deployLedgerAnchor(provider: JsonRpcProvider): Promise<Deployment> {
  const admin = new NonceManager(new Wallet(DEV_KEYS.admin, provider));
  const addr = (k: string) => new Wallet(k).address;
  const factory = new ContractFactory(ledgerAnchorAbi, ledgerAnchorBytecode, admin);
  const contract = await factory.deploy(addr(DEV_KEYS.admin), addr(DEV_KEYS.anchorer), addr(DEV_KEYS.registrar));
  const receipt = await contract.deploymentTransaction()!.wait();
  const chainId = Number((await provider.getNetwork()).chainId);
  return { chainId, contract: (await contract.getAddress()).toLowerCase(), deployBlock: receipt!.blockNumber };
}
