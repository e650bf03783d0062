/**
 * Flat events (type, asset, workOrder, actor, text, source — what the control endpoint, the CMMS import and the
 * OPC UA event mapping produce) → v2 event drafts: actor and text become the personal opening (PROTOCOL §4.3),
 * which can be erased on its own; the rest stays in the body. The stream is `@events/<asset>` (spool).
 */
import { z } from "zod";
import { EventBodySchema, PersonalSchema } from "../../core/index.ts";
import type { EventDraft } from "../spool/types.ts";

/** An event before it is split: the event body's fields and the personal opening's, side by side. */
export const FlatEventSchema = z.strictObject({
  type: EventBodySchema.shape.type,
  asset: EventBodySchema.shape.asset,
  workOrder: EventBodySchema.shape.workOrder,
  actor: PersonalSchema.shape.actor,
  text: PersonalSchema.shape.text,
  source: EventBodySchema.shape.source,
});
export type FlatEvent = z.infer<typeof FlatEventSchema>;

export function eventDraft(e: FlatEvent, at: Date | number): EventDraft {
  return {
    at: typeof at === "number" ? at : at.getTime(),
    body: { type: e.type, asset: e.asset, workOrder: e.workOrder, ...(e.source ? { source: e.source } : {}) },
    personal: { actor: e.actor, text: e.text },
  };
}
