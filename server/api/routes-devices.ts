// Device enrollment (admin: on-chain registration/revocation through the registrar role, plus site and label,
// changed only explicitly by PATCH; the logic is in enrollment.ts) and GET /v1/devices (readers: devices in
// scope with their registry status from LedgerAnchor).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { bytesToHex } from "../db/bytes.ts";
import { accessEntry } from "./access-hook.ts";
import type { AccessLog } from "./access-log.ts";
import { ADMINS, READERS } from "./auth.ts";
import { Enrollment } from "./enrollment.ts";
import { ApiError } from "./errors.ts";
import type { Registrar } from "./registrar.ts";
import { registryJson, RegistrySchema } from "./device-status.ts";
import { AddressParams, DeviceUpdateInput, EnrollInput } from "./schemas-admin.ts";
import { adminErrors, adminReadErrors, readerErrors, security } from "./schemas-common.ts";
import { scopeOf } from "./scope.ts";

const Registry = RegistrySchema;
const Device = z.object({ address: z.string(), site: z.string().nullable(), label: z.string().nullable(), registry: Registry });
const Tx = z.object({ txHash: z.string(), blockNumber: z.number() }).nullable();
const REGISTRAR_ERRORS = { 503: ["registrar_unavailable", "chain_unavailable"] } as const;

/** The label GET /v1/admin/devices and /v1/devices give the access log's own device (it has no enrollment). */
export const ACCESS_LOG_LABEL = "otledger access log";

export function deviceRoutes(registrar: Registrar, accessLog: AccessLog): FastifyPluginAsyncZod {
  return async (app) => {
    const { db, registry } = app.ledger;
    const enrollment = new Enrollment(db, registry, registrar);
    /** Registry status (read from the chain if not known yet); 503 while the chain cannot be asked. */
    const statusOf = (address: string) => registry.status(address).catch((err: unknown) => {
      throw new ApiError(503, "chain_unavailable", (err as Error).message, ["address"]);
    });

    app.post("/admin/devices", {
      config: { roles: ADMINS },
      schema: { tags: ["admin"], operationId: "enrollDevice", summary: "Enroll a device: register it on LedgerAnchor and record its site (200: already enrolled the same way)", security, body: EnrollInput, response: { 201: Device.extend({ tx: Tx }), 200: Device.extend({ tx: Tx }), ...adminErrors(REGISTRAR_ERRORS, { 409: ["device_revoked", "device_site_conflict", "device_label_conflict", "device_metadata_conflict"] }) } },
    }, async (request, reply) => {
      const { created, device, registry: status, tx } = await enrollment.enroll(request.body);
      app.log.info({ admin: request.caller?.id, action: "device.enroll", device: device.address, site: device.site, created, txHash: tx?.txHash }, "admin action");
      return reply.code(created ? 201 : 200).send({ ...device, registry: registryJson(status), tx });
    });

    app.patch("/admin/devices/:address", {
      config: { roles: ADMINS },
      schema: { tags: ["admin"], summary: "Change an enrolled device's site and/or label (logged with the old and new values)", security, params: AddressParams, body: DeviceUpdateInput, operationId: "updateDevice", response: { 200: Device, ...adminErrors(REGISTRAR_ERRORS, { 404: ["device_not_enrolled"] }) } },
    }, async (request) => {
      const { address } = request.params;
      const { before, after } = await enrollment.update(address, request.body);
      app.log.warn({ admin: request.caller?.id, action: "device.update", device: address, old: { site: before.site, label: before.label }, new: { site: after.site, label: after.label } }, "admin action: device site/label changed");
      // Also in the signed access log (auditors see it); best effort: the change is committed either way.
      await accessLog.append(accessEntry(request, 1, { old: before, new: after })).catch((err: unknown) => request.log.error({ err: (err as Error).message }, "device change not written to the access log"));
      const s = await statusOf(address);
      return { ...after, registry: registryJson(s) };
    });

    app.post("/admin/devices/:address/revoke", {
      config: { roles: ADMINS },
      schema: { tags: ["admin"], operationId: "revokeDevice", summary: "Revoke a device on LedgerAnchor (records first anchored later become invalid; ingest refuses it once this answers)", security, params: AddressParams, response: { 200: z.object({ address: z.string(), registry: Registry, tx: Tx }), ...adminErrors(REGISTRAR_ERRORS, { 404: ["device_not_enrolled"] }) } },
    }, async (request) => {
      const { address } = request.params;
      const { registry: status, tx } = await enrollment.revoke(address);
      app.log.info({ admin: request.caller?.id, action: "device.revoke", device: address, txHash: tx?.txHash }, "admin action");
      return { address, registry: registryJson(status), tx };
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
        const s = await statusOf(address);
        const label = r.label ?? (address === accessLog.address ? ACCESS_LOG_LABEL : null);
        devices.push({ address, site: r.site, label, registry: registryJson(s) });
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
