// The chain connection: a JSON-RPC provider pinned to the chain id (no retry storm while the node is down),
// the LedgerAnchor contract (read-only and as the anchorer), and the anchorer key.
import { readFile } from "node:fs/promises";
import { Contract, JsonRpcProvider, Network, Wallet } from "ethers";
import { ledgerAnchorAbi } from "../../core/ledger-anchor-artifact.ts";

export type ChainConnection = {
  rpcUrl: string;
  chainId: number;
  contractAddress: string;
  deployBlock: number;
  provider: JsonRpcProvider;
  /** LedgerAnchor for views and event queries. */
  ledger: Contract;
  anchorer: Wallet;
  close(): void;
};

export type ChainOptions = { rpcUrl: string; contract: string; deployBlock: number; chainId?: number; anchorer: Wallet; pollingIntervalMs: number };

/** Connects; asks the node for the chain id unless given (then the node may be down at startup). */
export async function connectChain(options: ChainOptions): Promise<ChainConnection> {
  const chainId = options.chainId ?? (await detectChainId(options.rpcUrl));
  const provider = new JsonRpcProvider(options.rpcUrl, Network.from(chainId), { staticNetwork: true, pollingInterval: options.pollingIntervalMs, batchMaxCount: 1, cacheTimeout: -1 });
  const ledger = new Contract(options.contract, ledgerAnchorAbi, provider);
  const anchorer = options.anchorer.connect(provider);
  return {
    rpcUrl: options.rpcUrl, chainId, contractAddress: options.contract.toLowerCase(), deployBlock: options.deployBlock,
    provider, ledger, anchorer, close: () => provider.destroy(),
  };
}

async function detectChainId(rpcUrl: string): Promise<number> {
  const probe = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
  try {
    return Number((await probe.getNetwork()).chainId);
  } finally {
    probe.destroy();
  }
}

export type AnchorerKeySource = { keyFile?: string; keystore?: string; password?: string; passwordFile?: string };

/** The anchorer wallet from a key file (0x hex) or an encrypted JSON keystore. The key is never logged. */
export async function loadAnchorerKey(source: AnchorerKeySource): Promise<Wallet> {
  if (source.keyFile !== undefined) {
    const key = (await readFile(source.keyFile, "utf8")).trim();
    try {
      return new Wallet(key);
    } catch {
      throw new Error(`ANCHORER_KEY_FILE: ${source.keyFile} does not hold a 0x private key`);
    }
  }
  if (source.keystore !== undefined) {
    const json = await readFile(source.keystore, "utf8");
    const password = source.password ?? (await readFile(source.passwordFile!, "utf8")).trimEnd();
    const wallet = await Wallet.fromEncryptedJson(json, password).catch(() => {
      throw new Error(`ANCHORER_KEYSTORE: cannot decrypt ${source.keystore} with the given password`);
    });
    return new Wallet(wallet.privateKey);
  }
  throw new Error("ANCHORER_KEY_FILE or ANCHORER_KEYSTORE is required");
}
