// A local anvil chain for `npm start` without CHAIN_RPC_URL: state persisted under the data directory,
// LedgerAnchor deployed once (its address remembered beside the state), roles granted to anvil's dev accounts.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ContractFactory, JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ledgerAnchorAbi, ledgerAnchorBytecode } from "../../core/ledger-anchor-artifact.ts";
import { startAnvil, stopLeftoverAnvil, type Anvil } from "./anvil.ts";
import { preferredPort } from "./free-port.ts";
import { Supervisor, type SupervisorEvents } from "./supervisor.ts";

export { startAnvil, type Anvil } from "./anvil.ts";

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
  /** The running anvil (a new one after each restart). */
  readonly pid: number | undefined;
  readonly restarts: number;
  stop(): Promise<void>;
};

/** The usual JSON-RPC port, so `otledger verify --rpc` defaults work with `npm start`; any free port if taken. */
export const DEFAULT_LOCAL_CHAIN_PORT = 8545;

export type LocalChainOptions = {
  dataDir: string;
  /** Preferred port: used if free (after a leftover anvil of a dead predecessor was stopped), else any free port. */
  port?: number;
  chainId?: number; events?: SupervisorEvents & { log?: (msg: string) => void } };

/**
 * Starts anvil on 127.0.0.1 (state in dataDir/state.json) and returns it with LedgerAnchor deployed. If anvil dies,
 * it is started again on the same port and state (the anchorer re-anchors whatever its last second of state lost).
 */
export async function startLocalChain(options: LocalChainOptions): Promise<LocalChain> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  await stopLeftoverAnvil(dataDir, options.events?.log); // it may hold the port
  const port = await preferredPort(options.port ?? DEFAULT_LOCAL_CHAIN_PORT);
  const chainId = options.chainId ?? 31337;
  const start = () => startAnvil(dataDir, port, chainId, options.events?.log);
  const anvil = new Supervisor<Anvil>("anvil", await start(), start, options.events);
  try {
    const deployment = await ensureDeployment(anvil.current.rpcUrl, join(dataDir, "deployment.json"));
    const anchorerKeyFile = join(dataDir, "anchorer.key");
    await writeFile(anchorerKeyFile, DEV_KEYS.anchorer + "\n", { mode: 0o600 });
    return {
      rpcUrl: anvil.current.rpcUrl, port, stateFile: anvil.current.stateFile, ...deployment, anchorerKeyFile, registrarKey: DEV_KEYS.registrar,
      get pid() { return anvil.current.process.pid; },
      get restarts() { return anvil.restarts; },
      stop: () => anvil.stop(),
    };
  } catch (err) {
    await anvil.stop();
    throw err;
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
