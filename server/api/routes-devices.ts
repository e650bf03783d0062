// Device enrollment (admin: on-chain registration/revocation through the registrar role, plus site and label)
// and GET /v1/devices (readers: devices in scope with their registry status from LedgerAnchor).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ZeroHash } from "ethers";
import { bytesToHex, hexToBytes } from "../db/bytes.ts";
import { ADMINS, READERS } from "./auth.ts";
import { ApiError } from "./errors.ts";
import type { Registrar } from "./registrar.ts";
import { registryJson, RegistrySchema } from "./device-status.ts";
import { AddressParams, EnrollInput } from "./schemas-admin.ts";
import { adminErrors, adminReadErrors, readerErrors, security } from "./schemas-common.ts";
import { scopeOf } from "./scope.ts";

const Registry = RegistrySchema;
const Device = z.object({ address: z.string(), site: z.string().nullable(), label: z.string().nullable(), registry: Registry });
const Tx = z.object({ txHash: z.string(), blockNumber: z.number() }).nullable();
const REGISTRAR_ERRORS = { 503: ["registrar_unavailable", "chain_unavailable"] } as const;

export function deviceRoutes(registrar: Registrar): FastifyPluginAsyncZod {
  return async (app) => {
    const { db, registry, chain } = app.ledger;
    const onChain = async (address: string) => registryJson(await chain.ledger.getFunction("deviceStatus")(address));

    app.post("/admin/devices", {
      config: { roles: ADMINS },
      schema: { tags: ["admin"], operationId: "enrollDevice", summary: "Enroll a device: register it on LedgerAnchor and record its site", security, body: EnrollInput, response: { 201: Device.extend({ tx: Tx }), ...adminErrors(REGISTRAR_ERRORS, { 409: ["device_revoked"] }) } },
    }, async (request, reply) => {
      const { address, site, label, metadataHash } = request.body;
      const before = await onChain(address);
      if (before.revoked) throw new ApiError(409, "device_revoked", `device ${address} was revoked on-chain; use a new key`, ["address"]);
      const tx = before.registered ? null : await registrar.register(address, metadataHash ?? ZeroHash);
      await db.query(
        "INSERT INTO api_devices (address, site, label) VALUES ($1, $2, $3) ON CONFLICT (address) DO UPDATE SET site = $2, label = $3",
        [hexToBytes(address), site, label ?? null]);
      app.log.info({ admin: request.caller?.id, action: "device.enroll", device: address, site, txHash: tx?.txHash }, "admin action");
      return reply.code(201).send({ address, site, label: label ?? null, registry: await onChain(address), tx });
    });

    app.post("/admin/devices/:address/revoke", {
      config: { roles: ADMINS },
      schema: { tags: ["admin"], operationId: "revokeDevice", summary: "Revoke a device on LedgerAnchor (records first anchored later become invalid)", security, params: AddressParams, response: { 200: z.object({ address: z.string(), registry: Registry, tx: Tx }), ...adminErrors(REGISTRAR_ERRORS, { 404: ["device_not_enrolled"] }) } },
    }, async (request) => {
      const { address } = request.params;
      const before = await onChain(address);
      if (!before.registered) throw new ApiError(404, "device_not_enrolled", `device ${address} is not registered`, ["address"]);
      const tx = before.revoked ? null : await registrar.revoke(address);
      app.log.info({ admin: request.caller?.id, action: "device.revoke", device: address, txHash: tx?.txHash }, "admin action");
      return { address, registry: await onChain(address), tx };
    });

    /** Every enrolled or registry-known device with its status; `inScope` filters for a reader's grants. */
    const listDevices = async (inScope: (address: string) => boolean) => {
      const res = await db.query<{ address: Buffer; site: string | null; label: string | null }>(
        `SELECT k.address, d.site, d.label FROM (SELECT address FROM api_devices UNION SELECT address FROM devices) k(address)
         LEFT JOIN api_devices d USING (address) ORDER BY k.address`);
      const devices = [];
      for (const r of res.rows) {
        const address = bytesToHex(r.address);
        if (!inScope(address)) continue;
        const cached = await registry.status(address).catch(() => undefined);
        devices.push({ address, site: r.site, label: r.label, registry: cached === undefined ? await onChain(address) : registryJson(cached) });
      }
      return devices;
    };

    app.get("/devices", {
      config: { roles: READERS, access: "logged" },
      schema: { tags: ["devices"], operationId: "listDevices", summary: "Devices in scope with their LedgerAnchor registry status", security, response: { 200: z.object({ devices: z.array(Device) }), ...readerErrors() } },
    }, async (request) => {
      const scope = await scopeOf(db, request.caller!);
      const devices = await listDevices((address) => scope.sees(address));
      request.accessCount = devices.length;
      return { devices };
    });

    // Admins manage the registry, so they see all of it (the data routes stay closed to them).
    app.get("/admin/devices", {
      config: { roles: ADMINS },
      schema: { tags: ["admin"], operationId: "listAllDevices", summary: "All devices with their sites and LedgerAnchor registry status", security, response: { 200: z.object({ devices: z.array(Device) }), ...adminReadErrors() } },
    }, async () => ({ devices: await listDevices(() => true) }));
  };
}
