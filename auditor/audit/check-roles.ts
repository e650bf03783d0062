// Key roles (LedgerAnchor v2 keyRole, PROTOCOL §4.4): access and erasure records are signed by service keys,
// readings, series and events by device keys. A service key writing plant data, or a device key writing erasures
// (so that a missing body would look erased), is a finding.
import type { ChainDeviceStatus } from "../../sdk/ledger-anchor.ts";
import type { RecordEntry } from "./collect.ts";
import type { FindingLog } from "./findings.ts";

const SERVICE_KINDS: ReadonlySet<string> = new Set(["access", "erasure"]);

export function checkRoleOfRecord(r: RecordEntry, status: ChainDeviceStatus | undefined, findings: FindingLog): void {
  if (!status?.registered) return; // DEVICE_NOT_REGISTERED says it already
  const wanted = SERVICE_KINDS.has(r.kind) ? "service" : "device";
  if (status.role === wanted) return;
  findings.add({ code: "DEVICE_ROLE_MISMATCH", message: `${r.kind} record seq ${r.seq} of ${r.device} (leaf ${r.index}) is signed by a ${status.role} key; ${r.kind} records are signed by ${wanted} keys`,
    device: r.device, seq: r.seq, index: r.index, expected: wanted, computed: status.role });
}
