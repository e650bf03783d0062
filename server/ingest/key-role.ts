// Which records a key may sign (PROTOCOL §4.4, §9): access and erasure records only a SERVICE key, readings,
// series and events only a DEVICE key — as LedgerAnchor's keyRole says, never as the envelope claims.
import type { EnvelopeV2, Kind } from "../../core/index.ts";
import type { KeyRole } from "../chain/registry-events.ts";
import { IngestError } from "./errors.ts";

const SERVICE_KINDS: ReadonlySet<Kind> = new Set(["access", "erasure"]);

export const roleFor = (kind: Kind): KeyRole => (SERVICE_KINDS.has(kind) ? "service" : "device");

/** Throws 403 device_role_mismatch at the first record whose kind the signing key's role may not sign. */
export function checkKeyRole(envelope: EnvelopeV2, role: KeyRole): void {
  envelope.records.forEach((r, i) => {
    const required = roleFor(r.header.kind);
    if (required !== role) {
      throw new IngestError(403, "device_role_mismatch", `a ${r.header.kind} record must be signed by a ${required} key; ${envelope.header.device} is registered as a ${role} key`,
        ["records", i, "header", "kind"], { kind: r.header.kind, requiredRole: required, role });
    }
  });
}
