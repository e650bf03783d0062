// What the streamed audit reads from the chain: the checkpoint history, the registry and succession once (a few
// reads per checkpoint and per device, none per record), device statuses as devices appear, and anchor
// transactions only for the checkpoints the run audits.
import type { ChainDeviceStatus, LedgerAnchorReader } from "../../sdk/ledger-anchor.ts";
import { findAnchorTx, type ChainView } from "../audit/chain-view.ts";

export class ChainState {
  readonly view: ChainView;
  readonly #reader: LedgerAnchorReader;

  private constructor(reader: LedgerAnchorReader, view: ChainView) {
    this.#reader = reader;
    this.view = view;
  }

  static async load(reader: LedgerAnchorReader): Promise<ChainState> {
    const latest = await reader.blockNumber();
    const registrations = await reader.deviceRegistrations(await reader.deployBlock(latest), latest);
    const checkpoints = await reader.checkpointHistory();
    const succession = await reader.succession();
    const view: ChainView = { chainId: reader.chainId, contract: reader.contract, checkpoints, devices: new Map(), anchorTxs: new Map(), registrations, succession };
    const state = new ChainState(reader, view);
    await state.statuses(registrations.map((r) => r.device));
    return state;
  }

  /** deviceStatus of each address not read yet (eight at a time). */
  async statuses(addresses: Iterable<string>): Promise<void> {
    const todo = [...new Set(addresses)].filter((a) => !this.view.devices.has(a));
    for (let i = 0; i < todo.length; i += 8) {
      const batch = todo.slice(i, i + 8);
      const got = await Promise.all(batch.map((a) => this.#reader.deviceStatus(a)));
      batch.forEach((a, j) => this.view.devices.set(a, got[j]!));
    }
  }

  async status(address: string): Promise<ChainDeviceStatus> {
    await this.statuses([address]);
    return this.view.devices.get(address)!;
  }

  /** Anchor transactions of checkpoints `fromIndex …` (their consistency proofs are re-verified by check-chain). */
  async anchorTxsFrom(fromIndex: number): Promise<void> {
    for (const cp of this.view.checkpoints.slice(fromIndex)) this.view.anchorTxs.set(cp.index, await findAnchorTx(this.#reader, cp));
  }
}
