// The one place `otledger query` talks to the service (through api-client.ts): GET /v1/streams/answer, one page
// at a time, waiting on 202 pending as the service asks (Retry-After, also in the body), a bounded number of times.
import { callApi, type ApiOptions } from "./api-client.ts";

export type AnswerQuery = { device: string; stream: string; from: string; to: string; limit?: number };
/** A page as received: the stream answer (unverified) and the opaque cursor of the next page, if any. */
export type ReceivedPage = { answer: unknown; next: string | null };
type Pending = { status: "pending"; retryAfterSeconds?: number };

export class PendingTooLongError extends Error {
  readonly code = "answer_pending";
  constructor(message: string) { super(message); this.name = "PendingTooLongError"; }
}

const isPending = (body: unknown): body is Pending => (body as { status?: unknown } | null)?.status === "pending";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pathOf(q: AnswerQuery, cursor: string | null): string {
  const params = new URLSearchParams({ device: q.device, name: q.stream, from: q.from, to: q.to });
  if (q.limit !== undefined) params.set("limit", String(q.limit));
  if (cursor !== null) params.set("cursor", cursor);
  return `/v1/streams/answer?${params}`;
}

/** The cursor rides beside the answer, which is a closed object: split it off before the answer is verified. */
function split(body: unknown): ReceivedPage {
  if (typeof body !== "object" || body === null || !("next" in body)) return { answer: body, next: null };
  const { next, ...answer } = body as { next: unknown };
  return { answer, next: typeof next === "string" && next.length > 0 ? next : null };
}

/** One page; on 202 waits Retry-After (1…60 s) and asks again, at most `retries` times. Throws ApiClientError or PendingTooLongError. */
export async function fetchAnswerPage(api: ApiOptions, q: AnswerQuery, cursor: string | null, retries: number, onWait?: (seconds: number) => void): Promise<ReceivedPage> {
  for (let attempt = 0; ; attempt++) {
    const body = await callApi<unknown>(api, "GET", pathOf(q, cursor));
    if (!isPending(body)) return split(body);
    if (attempt >= retries) throw new PendingTooLongError(`the service has no anchored answer yet (still pending after ${retries} retries): try again later`);
    const seconds = Math.min(60, Math.max(1, Math.ceil(Number(body.retryAfterSeconds) || 1)));
    onWait?.(seconds);
    await sleep(seconds * 1000);
  }
}
