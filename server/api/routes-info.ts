// GET /v1/info (public): what agents and auditors configure themselves from.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { BUNDLE_VERSION_V2, EIP712_TYPES, envelopeDomainV2 } from "../../core/index.ts";
import { EXPORT_FORMAT, PROTOCOL_VERSION } from "./export-stream.ts";
import { apiErrors } from "./schemas-common.ts";

export const InfoSchema = z.object({
  service: z.literal("otledger"),
  protocolVersion: z.literal("2"),
  bundleVersion: z.literal("otledger.bundle/2"),
  exportFormat: z.literal("otledger.export/2"),
  chainId: z.number(),
  contract: z.string(),
  deployBlock: z.number(),
  eip712: z.object({
    domain: z.object({ name: z.literal("otledger"), version: z.literal("2"), chainId: z.number(), verifyingContract: z.string() }),
    primaryType: z.literal("Envelope"),
    types: z.object({ Envelope: z.array(z.object({ name: z.string(), type: z.string() })) }),
  }),
  accessLogDevice: z.string().describe("the service key (LedgerAnchor role service) signing the access records of stream @access"),
});

export function infoRoutes(accessLogDevice: string): FastifyPluginAsyncZod {
  return async (app) => {
    const { chain } = app.ledger;
    // The v2 domain (version "2"): the one every envelope is signed under.
    const domain = envelopeDomainV2(chain.chainId, chain.contractAddress);
    const info = {
      service: "otledger" as const, protocolVersion: PROTOCOL_VERSION, bundleVersion: BUNDLE_VERSION_V2, exportFormat: EXPORT_FORMAT,
      chainId: chain.chainId, contract: chain.contractAddress, deployBlock: chain.deployBlock,
      eip712: {
        domain: { name: domain.name, version: domain.version, chainId: Number(domain.chainId), verifyingContract: domain.verifyingContract },
        primaryType: "Envelope" as const,
        types: { Envelope: EIP712_TYPES.Envelope.map((f) => ({ ...f })) },
      },
      accessLogDevice,
    };
    app.get("/info", {
      schema: { tags: ["info"], operationId: "getInfo", summary: "Chain, contract, protocol version and EIP-712 domain", response: { 200: InfoSchema, ...apiErrors({ 429: ["rate_limited"] }) } },
    }, async () => info);
  };
}
