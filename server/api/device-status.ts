// A device's LedgerAnchor registry status as the API and exports answer it: the chain's uint64 block timestamp
// of a revocation becomes an RFC 3339 instant (null while not revoked), like every other time the service gives.
import { z } from "zod";
import { Instant } from "./schemas-common.ts";

export const RegistrySchema = z.object({
  registered: z.boolean(),
  revoked: z.boolean(),
  revokedAtCheckpoint: z.number().describe("checkpoint count at revocation: records first anchored at this index or later are invalid (0 if not revoked)"),
  revokedAtBlock: z.number().describe("block of the revocation (0 if not revoked)"),
  revokedAtTime: Instant.nullable().describe("time of the revoking block (null if not revoked)"),
  metadataHash: z.string(),
  role: z.enum(["device", "service"]).describe("LedgerAnchor v2 key role: device keys sign readings, series and events; service keys access and erasure records"),
});
export type RegistryJson = z.infer<typeof RegistrySchema>;

type Numeric = number | bigint;
/** LedgerAnchor.deviceStatus (ethers Result) or the registry cache's DeviceStatus. */
type RawStatus = { registered: boolean; revoked: boolean; revokedAtCheckpoint: Numeric; revokedAtBlock: Numeric; revokedAtTime: Numeric; metadataHash: string } & ({ keyRole: Numeric } | { role: "device" | "service" });

export function registryJson(s: RawStatus): RegistryJson {
  const revoked = Boolean(s.revoked);
  return {
    registered: Boolean(s.registered), revoked, revokedAtCheckpoint: Number(s.revokedAtCheckpoint), revokedAtBlock: Number(s.revokedAtBlock),
    revokedAtTime: revoked ? new Date(Number(s.revokedAtTime) * 1000).toISOString() : null,
    metadataHash: String(s.metadataHash).toLowerCase(),
    // LedgerAnchor answers keyRole (enum Device = 0, Service = 1); the registry cache already names it.
    role: "role" in s ? s.role : Number(s.keyRole) === 1 ? "service" : "device",
  };
}
