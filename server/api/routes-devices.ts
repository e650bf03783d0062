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
import { AddressParams, DeviceUpdateInput, EnrollInput } from "./schemas-admin.ts";
import { authErrors, ErrorSchema, security } from "./schemas-common.ts";
import { deviceInScope, scopeOf } from "./scope.ts";

const Registry = z.object({ registered: z.boolean(), revoked: z.boolean(), revokedAtCheckpoint: z.number(), revokedAtBlock: z.number(), revokedAtTime: z.number(), metadataHash: z.string() });
const Device = z.object({ address: z.string(), site: z.string().nullable(), label: z.string().nullable(), registry: Registry });
const Tx = z.object({ txHash: z.string(), blockNumber: z.number() }).nullable();

/** The label GET /v1/admin/devices and /v1/devices give the access log's own device (it has no enrollment). */
export const ACCESS_LOG_LABEL = "otledger access log";

export function deviceRoutes(registrar: Registrar, accessLog: AccessLog): FastifyPluginAsyncZod {
  return async (app) => {
    const { db, registry, chain } = app.ledger;
    const enrollment = new Enrollment(db, registry, registrar);
    /** Registry status (read from the chain if not known yet); 503 while the chain cannot be asked. */
    const statusOf = (address: string) => registry.status(address).catch((err: unknown) => {
      throw new ApiError(503, "chain_unavailable", (err as Error).message, ["address"]);
    });

    app.post("/admin/devices", {
      config: { roles: ADMINS },
      schema: { tags: ["admin"], summary: "Enroll a device: register it on LedgerAnchor and record its site (200: already enrolled the same way)", security, body: EnrollInput, response: { 201: Device.extend({ tx: Tx }), 200: Device.extend({ tx: Tx }), 409: ErrorSchema, 503: ErrorSchema, ...authErrors } },
    }, async (request, reply) => {
      const { created, device, registry: status, tx } = await enrollment.enroll(request.body);
      app.log.info({ admin: request.caller?.id, action: "device.enroll", device: device.address, site: device.site, created, txHash: tx?.txHash }, "admin action");
      return reply.code(created ? 201 : 200).send({ ...device, registry: status, tx });
    });

    app.patch("/admin/devices/:address", {
      config: { roles: ADMINS },
      schema: { tags: ["admin"], summary: "Change an enrolled device's site and/or label (logged with the old and new values)", security, params: AddressParams, body: DeviceUpdateInput, response: { 200: Device, 404: ErrorSchema, 503: ErrorSchema, ...authErrors } },
    }, async (request) => {
      const { address } = request.params;
      const { before, after } = await enrollment.update(address, request.body);
      app.log.warn({ admin: request.caller?.id, action: "device.update", device: address, old: { site: before.site, label: before.label }, new: { site: after.site, label: after.label } }, "admin action: device site/label changed");
      // Also in the signed access log (auditors see it); best effort: the change is committed either way.
      await accessLog.append(accessEntry(request, 1, { old: before, new: after })).catch((err: unknown) => request.log.error({ err: (err as Error).message }, "device change not written to the access log"));
      const s = await statusOf(address);
      return { ...after, registry: s };
    });

    app.post("/admin/devices/:address/revoke", {
      config: { roles: ADMINS },
      schema: { tags: ["admin"], summary: "Revoke a device on LedgerAnchor (records first anchored later become invalid; ingest refuses it once this answers)", security, params: AddressParams, response: { 200: z.object({ address: z.string(), registry: Registry, tx: Tx }), 404: ErrorSchema, 503: ErrorSchema, ...authErrors } },
    }, async (request) => {
      const { address } = request.params;
      const { registry: status, tx } = await enrollment.revoke(address);
      app.log.info({ admin: request.caller?.id, action: "device.revoke", device: address, txHash: tx?.txHash }, "admin action");
      return { address, registry: status, tx };
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
        devices.push({ address, site: r.site, label, registry: { registered: s.registered, revoked: s.revoked, revokedAtCheckpoint: s.revokedAtCheckpoint, revokedAtBlock: s.revokedAtBlock, revokedAtTime: s.revokedAtTime, metadataHash: s.metadataHash } });
      }
      return devices;
    };

    app.get("/devices", {
      config: { roles: READERS, access: "logged" },
      schema: { tags: ["devices"], summary: "Devices in scope with their LedgerAnchor registry status", security, response: { 200: z.object({ devices: z.array(Device) }), ...authErrors } },
    }, async (request) => {
      const scope = await scopeOf(db, request.caller!);
      const devices = await listDevices((address) => deviceInScope(scope, address));
      request.accessCount = devices.length;
      return { devices };
    });

    // Admins manage the registry, so they see all of it (the data routes stay closed to them).
    app.get("/admin/devices", {
      config: { roles: ADMINS },
      schema: { tags: ["admin"], summary: "All devices with their sites and LedgerAnchor registry status", security, response: { 200: z.object({ devices: z.array(Device) }), ...authErrors } },
    }, async () => ({ devices: await listDevices(() => true) }));
  };
}
