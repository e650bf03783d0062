/**
 * Flat events (type, asset, workOrder, actor, text, source — what the control endpoint, the CMMS import and the
 * OPC UA event mapping produce) → v2 event drafts: actor and text become the personal opening (PROTOCOL-v2 §4.3),
 * which can be erased on its own; the rest stays in the body. The stream is `@events/<asset>` (spool).
 */
import type { EventBody as FlatEvent } from "../../core/index.ts";
import type { EventDraft } from "../spool/types.ts";

export type { FlatEvent };

export function eventDraft(e: FlatEvent, at: Date | number): EventDraft {
  return {
    at: typeof at === "number" ? at : at.getTime(),
    body: { type: e.type, asset: e.asset, workOrder: e.workOrder, ...(e.source ? { source: e.source } : {}) },
    personal: { actor: e.actor, text: e.text },
  };
}
