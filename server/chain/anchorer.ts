// The anchorer (leader only): anchors local checkpoints on LedgerAnchor strictly in order, one transaction at a
// time, with its own nonces. Every step first reconciles with the chain, which is the truth:
//  - on-chain count c: local checkpoints < c are anchored (the tail is compared, a mismatch stops anchoring);
//  - a tx sent for checkpoint c but not mined is waited for, then replaced with bumped fees at the same nonce,
//    or resent if the node forgot it; a checkpoint the chain lost (reorg, reset dev chain) is simply c again.
// The same nonce for the same checkpoint means at most one of its transactions can be mined, and the contract
// refuses a tree that does not grow: nothing is anchored twice, and checkpoint c+1 is never sent before c is mined.
import type pg from "pg";
import { Transaction, type TransactionReceipt } from "ethers";
import type { ChainConnection } from "./connection.ts";
import { checkpointAt, checkpointCount, recordAnchor, recordSentTx, sentTxs, type LocalCheckpoint, type Scope } from "./anchor-db.ts";
import { storedConsistencyProof } from "../log/merkle-store.ts";

export type AnchorerOptions = { confirmations: number; txTimeoutMs: number; pollMs: number };
export type AnchorerEvents = { onAnchored?: (cp: LocalCheckpoint, txHash: string, block: number) => void; log?: (msg: string, data?: object) => void };

export class AnchorMismatchError extends Error {
  readonly code = "anchor_mismatch" as const;
}

export class Anchorer {
  readonly #pool: pg.Pool;
  readonly #chain: ChainConnection;
  readonly #opts: AnchorerOptions;
  readonly #events: AnchorerEvents;
  readonly #scope: Scope;
  #tailChecked = -1;
  #stopping = false;

  constructor(pool: pg.Pool, chain: ChainConnection, options: AnchorerOptions, events: AnchorerEvents = {}) {
    this.#pool = pool;
    this.#chain = chain;
    this.#opts = options;
    this.#events = events;
    this.#scope = { chainId: chain.chainId, contract: chain.contractAddress };
  }

  /** Cuts a confirmation wait short (shutdown): the tx is recorded, the next leader picks it up. */
  stop(): void {
    this.#stopping = true;
  }

  /** One round. Returns true if another round should follow at once (more checkpoints waiting). */
  async step(): Promise<boolean> {
    const onChain = Number(await this.#chain.ledger.getFunction("checkpointCount")());
    const local = await checkpointCount(this.#pool);
    if (onChain > local) throw new AnchorMismatchError(`the chain has ${onChain} checkpoints, the local log only ${local}: another writer anchors to this contract`);
    if (onChain > 0 && this.#tailChecked !== onChain - 1) await this.#checkTail(onChain - 1);
    if (onChain === local) return false;
    await this.#anchor((await checkpointAt(this.#pool, onChain))!, onChain === 0 ? undefined : await checkpointAt(this.#pool, onChain - 1));
    return onChain + 1 < local;
  }

  /** The chain's last checkpoint must be ours; make sure its anchor row names the transaction the chain kept. */
  async #checkTail(idx: number): Promise<void> {
    const mine = (await checkpointAt(this.#pool, idx))!;
    const theirs = await this.#chain.ledger.getFunction("checkpointAt")(idx);
    if (Number(theirs.treeSize) !== mine.treeSize || String(theirs.root).toLowerCase() !== mine.root) {
      throw new AnchorMismatchError(`on-chain checkpoint ${idx} is (${theirs.treeSize}, ${theirs.root}), the local one (${mine.treeSize}, ${mine.root})`);
    }
    const events = await this.#chain.ledger.queryFilter(this.#chain.ledger.filters.CheckpointAnchored!(idx), Math.max(this.#chain.deployBlock, Number(theirs.blockNumber)), Number(theirs.blockNumber));
    const ev = events[events.length - 1];
    if (ev !== undefined) {
      const latest = await this.#pool.query<{ tx_hash: Buffer }>("SELECT tx_hash FROM anchors WHERE checkpoint_idx = $1 AND chain_id = $2 ORDER BY id DESC LIMIT 1", [idx, this.#scope.chainId]);
      const recorded = latest.rows[0] === undefined ? undefined : "0x" + latest.rows[0].tx_hash.toString("hex");
      if (recorded !== ev.transactionHash.toLowerCase()) await recordAnchor(this.#pool, this.#scope, idx, ev.transactionHash.toLowerCase(), ev.blockNumber, ev.blockHash);
    }
    this.#tailChecked = idx;
  }

  async #anchor(cp: LocalCheckpoint, prev: LocalCheckpoint | undefined): Promise<void> {
    const { provider, anchorer, ledger } = this.#chain;
    const sender = anchorer.address.toLowerCase();
    const nonce = await provider.getTransactionCount(sender, "latest");
    const earlier = (await sentTxs(this.#pool, this.#scope, cp.idx)).find((t) => t.nonce === nonce);
    if (earlier !== undefined && (await provider.getTransaction(earlier.txHash)) !== null) {
      // Ours and still known to the node: give it its chance before replacing it.
      const receipt = await this.#confirmed(earlier.txHash);
      if (receipt !== null) return this.#settle(cp, receipt);
      this.#events.log?.("anchor tx not mined in time, replacing it", { checkpoint: cp.idx, nonce, txHash: earlier.txHash });
    }
    const proof = prev === undefined ? [] : await storedConsistencyProof(this.#pool, prev.treeSize, cp.treeSize);
    const data = ledger.interface.encodeFunctionData("anchor", [cp.treeSize, cp.root, proof]);
    const to = this.#chain.contractAddress;
    // Against "latest", not "pending": our own unmined tx for this checkpoint must not make the estimate revert.
    const gas = BigInt(await provider.send("eth_estimateGas", [{ from: sender, to, data }, "latest"]));
    const fees = await provider.getFeeData();
    const bump = (fresh: bigint | null, old: bigint | undefined) => {
      const base = fresh ?? 1_000_000_000n;
      return old === undefined ? base : (base > (old * 5n) / 4n + 1n ? base : (old * 5n) / 4n + 1n);
    };
    const maxPriorityFeePerGas = bump(fees.maxPriorityFeePerGas, earlier?.maxPriorityFeePerGas);
    const maxFeePerGas = [bump(fees.maxFeePerGas, earlier?.maxFeePerGas), maxPriorityFeePerGas].reduce((a, b) => (a > b ? a : b));
    const signed = await anchorer.signTransaction({ type: 2, chainId: this.#chain.chainId, nonce, to, data, gasLimit: (gas * 6n) / 5n, maxFeePerGas, maxPriorityFeePerGas });
    const txHash = Transaction.from(signed).hash!.toLowerCase();
    await recordSentTx(this.#pool, this.#scope, cp.idx, sender, { txHash, nonce, maxFeePerGas, maxPriorityFeePerGas }); // before it can be mined
    this.#events.log?.("anchoring checkpoint", { checkpoint: cp.idx, treeSize: cp.treeSize, nonce, txHash });
    await provider.broadcastTransaction(signed);
    const receipt = await this.#confirmed(txHash);
    if (receipt !== null) await this.#settle(cp, receipt);
  }

  async #settle(cp: LocalCheckpoint, receipt: TransactionReceipt): Promise<void> {
    if (receipt.status !== 1) {
      this.#events.log?.("anchor tx reverted; reconciling", { checkpoint: cp.idx, txHash: receipt.hash });
      return;
    }
    await recordAnchor(this.#pool, this.#scope, cp.idx, receipt.hash.toLowerCase(), receipt.blockNumber, receipt.blockHash);
    this.#tailChecked = cp.idx;
    this.#events.onAnchored?.(cp, receipt.hash.toLowerCase(), receipt.blockNumber);
  }

  /**
   * The receipt once the tx has CONFIRMATIONS blocks (re-read each poll, so a reorged-out tx is not taken),
   * or null on timeout. RPC failures propagate: the step fails, is counted, and the next one reconciles.
   */
  async #confirmed(txHash: string): Promise<TransactionReceipt | null> {
    const { provider } = this.#chain;
    const deadline = Date.now() + this.#opts.txTimeoutMs;
    for (;;) {
      const receipt = await provider.getTransactionReceipt(txHash);
      if (receipt !== null && (this.#opts.confirmations <= 1 || (await provider.getBlockNumber()) >= receipt.blockNumber + this.#opts.confirmations - 1)) return receipt;
      if (Date.now() > deadline || this.#stopping) return null;
      await new Promise((r) => setTimeout(r, this.#opts.pollMs));
    }
  }
}
