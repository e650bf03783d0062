// Rate-limit buckets over @fastify/rate-limit's store. A bucket counts requests per key the caller derives from
// what it has verified (a principal, a device) or from the client address, and refuses past its per-minute
// budget with a 429 in the service's error shape. Keys are never taken from unverified claims such as a key id.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import rateLimit, { normalizeIP } from "@fastify/rate-limit";
import { HttpError } from "./http-error.ts";

export type RateLimitedBy = "address" | "principal" | "device";

export class RateLimitError extends HttpError<"rate_limited"> {}

/** Counts one request against `key`; throws RateLimitError (429, retry-after set) once the budget is spent. */
export type RateBucket = (request: FastifyRequest, reply: FastifyReply, key: string) => Promise<void>;

export type BucketOptions = {
  by: RateLimitedBy;
  perMinute: number;
  /** The field the limit is about (the error's path). */
  path: (string | number)[];
};

/** Registers the shared store on this (encapsulated) context once; call before rateBucket. */
export async function installRateLimitStore(app: FastifyInstance): Promise<void> {
  if (!app.hasDecorator("createRateLimit")) await app.register(rateLimit, { global: false });
}

/** The client address a bucket counts by: the peer address, IPv6 grouped by /64 (one host's usual allocation). */
export const clientAddress = (request: FastifyRequest): string => normalizeIP(request.ip);

export function rateBucket(app: FastifyInstance, options: BucketOptions): RateBucket {
  const keys = new WeakMap<FastifyRequest, string>();
  // Each createRateLimit has a store of its own, so buckets of different kinds never share counts.
  const check = app.createRateLimit({ max: options.perMinute, timeWindow: 60_000, keyGenerator: (request) => keys.get(request)! });
  return async (request, reply, key) => {
    keys.set(request, key);
    const r = await check(request).finally(() => keys.delete(request));
    if (r.isAllowed) return;
    reply.header("x-ratelimit-limit", r.max).header("x-ratelimit-remaining", r.remaining).header("x-ratelimit-reset", r.ttlInSeconds);
    if (!r.isExceeded) return;
    reply.header("retry-after", r.ttlInSeconds);
    throw new RateLimitError(429, "rate_limited", `rate limit of ${r.max} requests per minute per ${options.by} exceeded; retry in ${r.ttlInSeconds} s`,
      options.path, { limitedBy: options.by, limit: r.max, retryAfterSeconds: r.ttlInSeconds });
  };
}
