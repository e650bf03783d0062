// The registry, read from LedgerAnchor's DeviceRegistered events, against a full export. Every device the chain
// enrolled by the export's registry snapshot must have its device line (DEVICE_MISSING_FROM_EXPORT if not). A
// device with its line but no envelope or record is silent, which is legitimate, unless leaves anchored since
// its registration have no record that any exported envelope accounts for: then they may be its records
// (DEVICE_RECORDS_MISSING, naming it as a suspect with the holes as evidence). docs/AUDIT-FORMAT.md §3.
import type { DeviceRegistration } from "../../sdk/ledger-anchor.ts";
import type { ChainView } from "./chain-view.ts";
import { firstCovering } from "./check-devices.ts";
import type { Collected } from "./collect.ts";
import type { FindingLog } from "./findings.ts";

/** Per unattributed hole, the block of the first checkpoint covering it (Infinity while unanchored), ascending. */
function holeBlocks(chain: ChainView, holes: readonly number[]): number[] {
  const blocks = holes.map((leaf) => {
    const covering = firstCovering(chain.checkpoints, leaf);
    return covering === -1 ? Infinity : chain.checkpoints[covering]!.blockNumber;
  });
  return blocks.sort((a, b) => a - b);
}

/** How many holes were not anchored before `block` (so could hold records of a device registered then). */
function holesSince(blocks: readonly number[], block: number): number {
  let lo = 0, hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (blocks[mid]! >= block) hi = mid;
    else lo = mid + 1;
  }
  return blocks.length - lo;
}

const registrationEvidence = (reg: DeviceRegistration, registryBlock: number) =>
  ({ registeredAtBlock: reg.blockNumber, txHash: reg.txHash, metadataHash: reg.metadataHash, registryBlock });

/** `holes`: leaves without a record that no exported envelope accounts for (from checkRecordsInLog). */
export function checkRegistryCoverage(c: Collected, chain: ChainView, findings: FindingLog, holes: readonly number[]): void {
  const h = c.header;
  if (h?.scope !== "full") return; // a partner's scope legitimately leaves devices out
  const active = new Set<string>();
  for (const e of c.envelopes.values()) active.add(e.header.device);
  for (const r of c.records) active.add(r.device);
  const blocks = holeBlocks(chain, holes);
  for (const reg of chain.registrations) {
    if (reg.blockNumber > h.registryBlock || active.has(reg.device)) continue;
    const since = holesSince(blocks, reg.blockNumber);
    const holesNote = since > 0 ? `; ${since} leaves not anchored before then have no record, consistent with its records having been deleted` : "";
    const where = `registered in LedgerAnchor at block ${reg.blockNumber} (tx ${reg.txHash})`;
    if (!c.devices.has(reg.device)) {
      findings.add({
        code: "DEVICE_MISSING_FROM_EXPORT", device: reg.device,
        message: `device ${reg.device} was ${where}, but the export has no device line, envelope or record of it${holesNote}`,
        expected: registrationEvidence(reg, h.registryBlock), computed: { deviceLine: false, envelopes: 0, records: 0, leavesWithoutRecordSince: since },
      });
    } else if (since > 0) {
      findings.add({
        code: "DEVICE_RECORDS_MISSING", device: reg.device,
        message: `device ${reg.device}, ${where}, has no envelope or record in the export, while ${since} leaves not anchored before its registration have no record: they may be its records`,
        expected: registrationEvidence(reg, h.registryBlock), computed: { deviceLine: true, envelopes: 0, records: 0, leavesWithoutRecordSince: since },
      });
    }
  }
}
