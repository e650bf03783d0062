// GET /v1/info (public): what agents and auditors configure themselves from.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { BUNDLE_VERSION, EIP712_TYPES } from "../../core/index.ts";
import { EXPORT_FORMAT, PROTOCOL_VERSION } from "./export-stream.ts";
import { apiErrors } from "./schemas-common.ts";

export const InfoSchema = z.object({
  service: z.literal("otledger"),
  protocolVersion: z.string(),
  bundleVersion: z.string(),
  exportFormat: z.string(),
  chainId: z.number(),
  contract: z.string(),
  deployBlock: z.number(),
  eip712: z.object({
    domain: z.object({ name: z.string(), version: z.string(), chainId: z.number(), verifyingContract: z.string() }),
    primaryType: z.literal("Envelope"),
    types: z.object({ Envelope: z.array(z.object({ name: z.string(), type: z.string() })) }),
  }),
  accessLogDevice: z.string().describe("the service's own device address signing access records"),
});

export function infoRoutes(accessLogDevice: string): FastifyPluginAsyncZod {
  return async (app) => {
    const { chain, domain } = app.ledger;
    const info = {
      service: "otledger" as const, protocolVersion: PROTOCOL_VERSION, bundleVersion: BUNDLE_VERSION, exportFormat: EXPORT_FORMAT,
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
