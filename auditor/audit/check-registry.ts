// The registry, read from LedgerAnchor's DeviceRegistered events, against a full export: a device the chain
// enrolled by the export's registry snapshot must be in it. A device with no device line and no envelope or
// record at all was removed from the export (its rows deleted or withheld); a silent device (registered, no
// records yet) still has its device line, so it is not reported.
import type { ChainView } from "./chain-view.ts";
import type { Collected } from "./collect.ts";
import type { FindingLog } from "./findings.ts";

export function checkRegistryCoverage(c: Collected, chain: ChainView, findings: FindingLog, holes: number): void {
  const h = c.header;
  if (h?.scope !== "full") return; // a partner's scope legitimately leaves devices out
  const present = new Set(c.devices.keys());
  for (const e of c.envelopes.values()) present.add(e.header.device);
  for (const r of c.records) present.add(r.device);
  const holesNote = holes > 0 ? `; ${holes} leaves of the log have no record line, consistent with its records having been deleted` : "";
  for (const reg of chain.registrations) {
    if (reg.blockNumber > h.registryBlock || present.has(reg.device)) continue;
    findings.add({
      code: "DEVICE_MISSING_FROM_EXPORT",
      message: `device ${reg.device} was registered in LedgerAnchor at block ${reg.blockNumber} (tx ${reg.txHash}), but the export has no device line, envelope or record of it${holesNote}`,
      device: reg.device,
      expected: { registeredAtBlock: reg.blockNumber, txHash: reg.txHash, metadataHash: reg.metadataHash, registryBlock: h.registryBlock },
      computed: { deviceLine: false, envelopes: 0, records: 0, leavesWithoutRecord: holes },
    });
  }
}
