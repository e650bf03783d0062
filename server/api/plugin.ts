// The partner and auditor API as a root-level plugin (register after the otledger app, which serves its OpenAPI
// document: server/api/openapi.ts): under /v1 helmet, rate limits (per verified principal, else per client address),
// bearer auth with roles, the access log, and the routes.
import { randomBytes } from "node:crypto";
import fp from "fastify-plugin";
import helmet from "@fastify/helmet";
import { Wallet } from "ethers";
import { DEV_KEYS } from "../runtime/local-chain.ts";
import { NoteKey } from "../log/note-key.ts";
import { AccessLog } from "./access-log.ts";
import { ErasureLog } from "./erasure-log.ts";
import { finishPendingErasures } from "./erasures-db.ts";
import { installAccessHook } from "./access-hook.ts";
import { installRateLimitStore, rateBucket } from "../http/rate-limit.ts";
import { installAuth } from "./auth.ts";
import { VerifiedKeyCache } from "./keys.ts";
import { Registrar } from "./registrar.ts";
import { accessRoutes } from "./routes-access.ts";
import { adminRoutes } from "./routes-admin.ts";
import { checkpointRoutes } from "./routes-checkpoints.ts";
import { deviceRoutes } from "./routes-devices.ts";
import { envelopeRoutes } from "./routes-envelopes.ts";
import { erasureRoutes } from "./routes-erasures.ts";
import { exportRoutes } from "./routes-export.ts";
import { infoRoutes } from "./routes-info.ts";
import { receiptRoutes } from "./routes-receipt.ts";
import { recordRoutes } from "./routes-records.ts";
import { logOrigin, tileRoutes } from "./routes-tiles.ts";
import { streamRoutes } from "./routes-streams.ts";
import { ensureAdmin, ensureServiceDevice } from "./setup.ts";

export type ApiOptions = {
  /** The access log's signing key (registered on LedgerAnchor with the service role). */
  serviceKey: Wallet;
  /** Ed25519 seed of the checkpoint-note key (OTLEDGER_LOG_KEY_FILE). Default: a new key per start (tests). */
  logKey?: Uint8Array;
  /** Holder of LedgerAnchor's REGISTRAR_ROLE, for enrollment. Default: the dev registrar on a local chain (31337). */
  registrarKey?: Wallet;
  /** Bootstrap admin key (OTLEDGER_ADMIN_KEY); without it and without an admin, one is generated and printed. */
  adminKey?: string;
  rateLimitPerMinute?: number;
  print?: (line: string) => void;
};

export const otledgerApi = fp<ApiOptions>(async (app, opts) => {
  const ctx = app.ledger;
  let registrarKey = opts.registrarKey;
  if (registrarKey === undefined && ctx.chain.chainId === 31337) {
    registrarKey = new Wallet(DEV_KEYS.registrar);
    app.log.warn("no OTLEDGER_REGISTRAR_KEY_FILE: using the local dev chain's registrar key");
  }
  const registrar = new Registrar(ctx.chain, registrarKey);
  await ensureAdmin(ctx.db, opts.adminKey, opts.print ?? ((line) => process.stdout.write(line + "\n")));
  const accessLog = new AccessLog(ctx.db, ctx.domain, opts.serviceKey);
  await ensureServiceDevice(ctx.chain, registrar, accessLog.address);
  app.addHook("onClose", () => accessLog.close());
  // Erasure records are signed with the same service key (their own stream, @erasure, on the key's one chain).
  const erasureLog = new ErasureLog(ctx.db, ctx.domain, opts.serviceKey);
  // An erasure whose record was committed but whose clearing did not happen (a crash in between) is finished now.
  const finished = await finishPendingErasures(ctx.db);
  if (finished > 0) app.log.warn({ finished }, "finished pending erasures (their erasure records were committed before a stop)");
  const cache = new VerifiedKeyCache();
  if (opts.logKey === undefined) app.log.warn("no checkpoint-note key given: signing tlog checkpoints with a key generated for this run");
  const noteKey = new NoteKey(logOrigin(ctx.chain.chainId, ctx.chain.contractAddress), opts.logKey ?? randomBytes(32));

  await app.register(async (v1) => {
    await v1.register(helmet);
    await installRateLimitStore(v1);
    installAuth(v1, ctx.db, cache, [accessLog.address], {
      principal: rateBucket(v1, { by: "principal", perMinute: opts.rateLimitPerMinute ?? 1200, path: ["authorization"] }),
      address: rateBucket(v1, { by: "address", perMinute: ctx.config.API_RATE_LIMIT_PER_ADDRESS, path: ["authorization"] }),
    });
    installAccessHook(v1, accessLog);
    await v1.register(infoRoutes(accessLog.address));
    await v1.register(recordRoutes);
    await v1.register(receiptRoutes(opts.serviceKey));
    await v1.register(streamRoutes);
    await v1.register(envelopeRoutes);
    await v1.register(checkpointRoutes);
    await v1.register(tileRoutes(noteKey));
    await v1.register(deviceRoutes(registrar, accessLog));
    await v1.register(exportRoutes(accessLog));
    await v1.register(accessRoutes(accessLog));
    await v1.register(adminRoutes(cache));
    await v1.register(erasureRoutes(accessLog, erasureLog));
  }, { prefix: "/v1" });
}, { name: "otledger-api", fastify: "5.x", dependencies: ["otledger"] });
export { apiOptionsFromEnv } from "./setup.ts";
