// POST /v1/admin/erasures as a function: an admin erases a record's body (or an event's personal opening).
// Order matters for crash safety: first the erasure record is committed to the log (signed by the service key,
// anchored like any record), then the privileged path clears the openings it names. A crash in between leaves
// a pending erasure, never a cleared body without its record: startup (finishPendingErasures) and a retry of the
// same request (answered 200 with the existing erasure) finish it. One erasure at a time per process, so two
// concurrent requests for one target write one record. Across replicas two simultaneous requests could each write
// one: both are valid evidence and clearing is idempotent, so that costs a duplicate record, never a wrong state.
// (No advisory lock: it would hold a pool connection while ingest needs another, and PG_POOL_MAX may be 1.)
import type pg from "pg";
import type { ErasureBody } from "../../core/index.ts";
import type { ErasureLog } from "./erasure-log.ts";
import { clearOpenings, erasuresOf, targetRow, type ErasureJson } from "./erasures-db.ts";
import { ApiError } from "./errors.ts";
import { KeyedLock } from "./keyed-lock.ts";

export type ErasureRequest = { record: string; scope: ErasureBody["scope"]; reason: string; requestedBy: string };
export type ErasureOutcome = { status: 200 | 201; erasure: ErasureJson };

const lock = new KeyedLock();

export function requestErasure(db: pg.Pool, log: ErasureLog, req: ErasureRequest): Promise<ErasureOutcome> {
  return lock.run("erasure", () => erase(db, log, req));
}

async function erase(db: pg.Pool, log: ErasureLog, req: ErasureRequest): Promise<ErasureOutcome> {
  const target = await targetRow(db, req.record);
  if (target === undefined) throw new ApiError(404, "not_found", `no record has hash ${req.record}`, ["record"]);
  if (target.kind === "access" || target.kind === "erasure") {
    throw new ApiError(409, "erasure_target_invalid", `a ${target.kind} record is the service's own evidence and cannot be erased`, ["record"], { kind: target.kind });
  }
  if (req.scope === "personal" && target.kind !== "event") {
    throw new ApiError(422, "erasure_scope_invalid", `a ${target.kind} record has no personal fields; only events do (use scope "body")`, ["scope"], { kind: target.kind });
  }
  const existing = await erasuresOf(db, target.hash);
  const body = existing.find((e) => e.scope === "body");
  if (req.scope === "personal" && body !== undefined) {
    throw new ApiError(409, "record_already_erased", "the record's body was erased, and its personal fields with it", ["record"], { erasure: body.hash });
  }
  const same = existing.find((e) => e.scope === req.scope);
  if (same !== undefined) return { status: 200, erasure: await finish(db, same) };
  // Openings gone without an erasure record are missing data (a tamper, BODY_MISSING for an auditor): an
  // erasure record now would disguise that as an erasure.
  const missing = req.scope === "body" ? !target.hasBody : !target.hasPersonal;
  if (missing) {
    throw new ApiError(409, "record_openings_missing", `the record's ${req.scope === "body" ? "body" : "personal fields"} are missing and no erasure record explains it`, ["record"]);
  }
  const written = await log.write({ target: target.hash, targetDevice: target.device, targetSeq: target.seq, scope: req.scope, reason: req.reason, requestedBy: req.requestedBy }, new Date());
  const stored = (await erasuresOf(db, target.hash)).find((e) => e.hash === written.hash)!;
  return { status: 201, erasure: await finish(db, stored) };
}

/** Runs the privileged path for a committed erasure record (a no-op when already cleared). */
async function finish(db: pg.Pool, e: ErasureJson): Promise<ErasureJson> {
  if (!e.cleared) await clearOpenings(db, e);
  return { ...e, cleared: true };
}
