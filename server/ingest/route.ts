// POST /v1/envelopes (v2 envelopes, docs/design/v2-cutover.md): rate limit per client address (429) -> schema
// (zod, 400 with path) -> openings, envelope consistency (400) and signature (401) -> rate limit per device (429)
// -> on-chain registry and key role (403) -> device and stream chain continuity and storage in one transaction
// (201/200/409). Answers after commit.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { EnvelopeV2Schema } from "../../core/index.ts";
import { RegistryUnavailableError } from "../chain/registry.ts";
import { clientAddress, installRateLimitStore, rateBucket, RateLimitError } from "../http/rate-limit.ts";
import { IngestError } from "./errors.ts";
import { EnvelopeBatcher } from "./batcher.ts";
import { checkKeyRole } from "./key-role.ts";
import { envelopeRouteSchema } from "./schemas.ts";

export const ingestRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, registry, verifier, metrics, config } = app.ledger;
  const batcher = new EnvelopeBatcher(db, { maxBatch: config.INGEST_MAX_BATCH, maxInFlight: config.INGEST_MAX_IN_FLIGHT });
  await installRateLimitStore(app);
  // Before the body is even parsed, per client address; once the signature proves the device, per device.
  const perAddress = rateBucket(app, { by: "address", perMinute: config.INGEST_RATE_LIMIT_PER_ADDRESS, path: [] });
  const perDevice = rateBucket(app, { by: "device", perMinute: config.INGEST_RATE_LIMIT_PER_DEVICE, path: ["header", "device"] });

  app.post("/envelopes", {
    onRequest: (request, reply) => perAddress(request, reply, clientAddress(request)),
    schema: { ...envelopeRouteSchema, body: EnvelopeV2Schema }, bodyLimit: config.BODY_LIMIT_BYTES,
  }, async (request, reply) => {
    const envelope = request.body;
    try {
      if (envelope.records.length > config.MAX_RECORDS_PER_ENVELOPE) {
        throw new IngestError(413, "envelope_too_large", `at most ${config.MAX_RECORDS_PER_ENVELOPE} records per envelope`, ["records"], { expected: config.MAX_RECORDS_PER_ENVELOPE, computed: envelope.records.length });
      }
      // A chain head read after arrival (shared with concurrent envelopes, overlapping verification): a
      // revocation mined before this envelope arrived refuses it (PROTOCOL §9).
      const caughtUp = registry.catchUp();
      const verified = await verifier.verify(envelope);
      await caughtUp;
      await perDevice(request, reply, envelope.header.device);
      const device = await registry.status(envelope.header.device).catch((err: unknown) => {
        if (err instanceof RegistryUnavailableError) throw new IngestError(503, "registry_unavailable", "the device is not known here and the chain cannot be asked now; retry later", ["header", "device"]);
        throw err;
      });
      if (!device.registered) throw new IngestError(403, "device_unknown", `device ${envelope.header.device} is not registered on LedgerAnchor`, ["header", "device"]);
      if (device.revoked) throw new IngestError(403, "device_revoked", `device ${envelope.header.device} was revoked at checkpoint ${device.revokedAtCheckpoint}`, ["header", "device"], { revokedAtCheckpoint: device.revokedAtCheckpoint });
      checkKeyRole(envelope, device.role);
      const outcome = await batcher.store(verified);
      metrics.envelopes.inc({ outcome: outcome.status === 201 ? "accepted" : "replay" });
      if (outcome.status === 201) metrics.records.inc(envelope.records.length);
      return reply.code(outcome.status).send(outcome.receipt);
    } catch (err) {
      if (err instanceof IngestError || err instanceof RateLimitError) metrics.envelopes.inc({ outcome: err.code });
      throw err;
    }
  });
};
