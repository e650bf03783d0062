/**
 * Self-audit of one record by its proof bundle (GET /v1/records/{hash}/proof, otledger.bundle/2, and core's
 * verifyBundleV2): the
 * fallback for delivered records the spool holds no envelope receipt for.
 */
import { BundleV2Schema, verifyBundleV2, type ChainFactsV2 as ChainFacts } from "../../core/index.ts";
import type { AwaitingAudit } from "../spool/spool.ts";
import type { CachedChainFacts as ChainFactsReader } from "../../sdk/chain-facts.ts";
import type { EnvelopeVerdict } from "./envelope-audit.ts";
import type { LedgerClient } from "../../sdk/ledger-client.ts";

export async function auditRecord(client: LedgerClient, chain: ChainFactsReader, device: ChainFacts["device"], row: AwaitingAudit): Promise<EnvelopeVerdict> {
  const answer = await client.proof(row.hash);
  if (answer === null) return { result: "pending", unknown: true };
  if (answer.status === "pending") return { result: "pending", unknown: false };
  const parsed = BundleV2Schema.safeParse(answer.bundle);
  if (parsed.success && parsed.data.recordHash !== row.hash) {
    return { result: "failed", message: `ledger answered with a bundle for ${parsed.data.recordHash}, not record ${row.seq} (${row.hash})` };
  }
  const result = parsed.success ? verifyBundleV2(parsed.data, await chain.facts(parsed.data, device))
    : verifyBundleV2(answer.bundle, { chainId: 0, contract: "0x0000000000000000000000000000000000000000", checkpoint: null, firstCovering: null, device });
  if (!result.ok) {
    const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.code}`).join(", ");
    return { result: "failed", message: `record ${row.seq} failed verification against the chain: ${failed}` };
  }
  return { result: "verified" };
}
