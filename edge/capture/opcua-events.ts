/**
 * OPC UA events → event record bodies. One event filter on each configured notifier (default: the Server
 * object, which every event bubbles up to). Alarms (conditions) are recorded on ActiveState transitions only:
 * "alarm" when a condition becomes active, "alarm_cleared" when it returns to inactive.
 */
import { AttributeIds, constructEventFilter, type ClientSession, type Variant } from "node-opcua";
import type { EventType } from "../../core/index.ts";
import type { FlatEvent as EventBody } from "./event-draft.ts";

/** Field order is the order of the values node-opcua hands back. */
export const EVENT_FIELDS = [
  "EventId", "EventType", "SourceName", "Time", "Message", "Severity", "ConditionId", "ConditionName", "ActiveState.Id",
  "1:WorkOrder", "1:Technician", "1:Asset",
] as const;

export function eventFilter() {
  return constructEventFilter([...EVENT_FIELDS]);
}

export interface MappedEvent {
  body: EventBody;
  /** the event's own Time (when it happened at the source), used as the record ts */
  time: Date | null;
}

function field(values: Variant[], name: (typeof EVENT_FIELDS)[number]): unknown {
  return values[EVENT_FIELDS.indexOf(name)]?.value ?? null;
}
const text = (v: unknown): string | null => {
  const s = v && typeof v === "object" && "text" in v ? (v as { text: string | null }).text : typeof v === "string" ? v : null;
  return s ? s : null;
};

export class EventMapper {
  private readonly typeNames = new Map<string, string>();
  private readonly conditionActive = new Map<string, boolean>();
  private readonly session: () => ClientSession | null;
  constructor(session: () => ClientSession | null) {
    this.session = session;
  }

  private async typeName(nodeId: string): Promise<string> {
    const known = this.typeNames.get(nodeId);
    if (known !== undefined) return known;
    const session = this.session();
    let name = nodeId;
    if (session) {
      const dv = await session.read({ nodeId, attributeId: AttributeIds.BrowseName });
      name = (dv.value?.value as { name?: string } | null)?.name ?? nodeId;
    }
    this.typeNames.set(nodeId, name);
    return name;
  }

  /** The event body to record, or null for events that carry no new fact (e.g. a condition refresh without a transition). */
  async map(values: Variant[]): Promise<MappedEvent | null> {
    const eventTypeId = String(field(values, "EventType") ?? "");
    const typeName = await this.typeName(eventTypeId);
    const active = field(values, "ActiveState.Id");
    const conditionId = field(values, "ConditionId");
    let type: EventType;
    if (typeof active === "boolean" && conditionId) {
      const key = String(conditionId);
      const was = this.conditionActive.get(key) ?? false;
      this.conditionActive.set(key, active);
      if (active === was) return null;
      type = active ? "alarm" : "alarm_cleared";
    } else if (/maintenance/i.test(typeName)) type = "maintenance";
    else if (/calibration/i.test(typeName)) type = "calibration";
    else if (/inspection/i.test(typeName)) type = "inspection";
    else type = "note";
    const eventId = field(values, "EventId");
    const time = field(values, "Time");
    const message = text(field(values, "Message")) ?? text(field(values, "ConditionName")) ?? typeName;
    const body: EventBody = {
      type,
      // SourceName may come as a qualified browse name ("1:B-201")
      asset: text(field(values, "1:Asset")) ?? text(field(values, "SourceName"))?.replace(/^\d+:/, "") ?? null,
      workOrder: text(field(values, "1:WorkOrder")),
      actor: text(field(values, "1:Technician")),
      text: type.startsWith("alarm") ? `${text(field(values, "ConditionName")) ?? typeName}: ${message}` : message,
      ...(Buffer.isBuffer(eventId) && eventId.length > 0 ? { source: { system: "opcua", ref: eventId.toString("hex") } } : {}),
    };
    return { body, time: time instanceof Date && time.getTime() > 0 ? time : null };
  }
}
