// Admin request and response schemas: principals, keys, grants, device enrollment.
import { z } from "zod";
import { AddressParam, Hex32Param, Instant, Kind, Site, Text } from "./schemas-common.ts";

export const RoleSchema = z.enum(["admin", "partner", "auditor"]);
export type Role = z.infer<typeof RoleSchema>;

export const PrincipalInput = z.strictObject({ name: Text(128), role: RoleSchema });
export const PrincipalSchema = z.object({ id: z.number(), name: z.string(), role: RoleSchema, createdAt: z.string() });
export const IdParams = z.strictObject({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
export const KeyIdParams = z.strictObject({ keyId: z.string().regex(/^[0-9a-f]{16}$/, "expected a 16 hex digit key id") });

export const KeyInput = z.strictObject({ label: Text(128).optional() });
export const KeySchema = z.object({ id: z.string(), principalId: z.number(), label: z.string().nullable(), createdAt: z.string(), revokedAt: z.string().nullable() });
export const NewKeySchema = KeySchema.extend({ key: z.string().describe("The API key. Shown only in this answer: store it now.") });

/**
 * A grant's stream dimension: an exact stream name (a tag, `@events/<asset>`, `@events`) or a prefix pattern ending in
 * `*` (`P-101.*` covers every stream whose name starts with `P-101.`). The last `*` is always the wildcard.
 */
export const StreamPattern = Text(257).refine((s) => s !== "*", "a lone * is every stream: leave stream out instead")
  .refine((s) => s.length <= (s.endsWith("*") ? 257 : 256), "a stream name is at most 256 code units");

export const GrantInput = z.strictObject({
  site: Site.optional(),
  stream: StreamPattern.optional().describe("an exact stream name or a prefix pattern ending in * (P-101.*, @events/*)"),
  device: AddressParam.optional(),
  kind: Kind.optional(),
  from: Instant.optional().describe("covers records whose span starts at or after from"),
  to: Instant.optional().describe("covers records whose span ends before to (a series reaching outside [from, to) is not covered)"),
  expiresAt: Instant.optional().describe("the grant stops applying at this instant"),
}).refine((g) => g.from === undefined || g.to === undefined || Date.parse(g.from) < Date.parse(g.to), { path: ["to"], message: "to must be after from" });
export type GrantInput = z.infer<typeof GrantInput>;
export const GrantSchema = z.object({
  id: z.number(), principalId: z.number(), site: z.string().nullable(), device: z.string().nullable(), kind: Kind.nullable(), stream: z.string().nullable(),
  from: z.string().nullable(), to: z.string().nullable(), expiresAt: z.string().nullable(), createdAt: z.string(), revokedAt: z.string().nullable(),
});

export const EnrollInput = z.strictObject({
  address: AddressParam,
  site: Site,
  label: Text(128).optional(),
  metadataHash: Hex32Param.optional().describe("bytes32 stored on-chain with the device (default zero)"),
});
export const DeviceUpdateInput = z.strictObject({
  site: Site.optional().describe("the new site (partner grants on the old site stop covering the device)"),
  label: Text(128).nullable().optional().describe("the new label; null removes it"),
}).refine((c) => c.site !== undefined || c.label !== undefined, { path: ["site"], message: "give site and/or label" });
export const AddressParams = z.strictObject({ address: AddressParam });
