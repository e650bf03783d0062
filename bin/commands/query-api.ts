// The one place `otledger query` talks to the service (through the SDK's fetchStreamAnswer): GET /v1/streams/answer, one page
// at a time, waiting on 202 pending as the service asks (Retry-After, also in the body), a bounded number of times.
import { fetchStreamAnswer, LedgerApiError } from "../../sdk/index.ts";
import type { ApiOptions } from "./cli-api.ts";

export type AnswerQuery = { device: string; stream: string; from: string; to: string; limit?: number };
/** A page as received: the stream answer (unverified) and the opaque cursor of the next page, if any. */
export type ReceivedPage = { answer: unknown; next: string | null };

export class PendingTooLongError extends Error {
  readonly code = "answer_pending";
  constructor(message: string) { super(message); this.name = "PendingTooLongError"; }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One page; on 202 waits Retry-After (1…60 s) and asks again, at most `retries` times. Throws LedgerApiError or PendingTooLongError. */
export async function fetchAnswerPage(api: ApiOptions, q: AnswerQuery, cursor: string | null, retries: number, onWait?: (seconds: number) => void): Promise<ReceivedPage> {
  for (let attempt = 0; ; attempt++) {
    const got = await fetchStreamAnswer({ baseUrl: api.api, apiKey: api.apiKey, timeoutMs: 30_000 }, {
      device: q.device, name: q.stream, from: q.from, to: q.to, ...(q.limit === undefined ? {} : { limit: q.limit }), ...(cursor === null ? {} : { cursor }),
    });
    if (got === null) throw new LedgerApiError("http_error", `GET /v1/streams/answer: 404 stream_not_found: no stream ${q.stream} of ${q.device} you may read`, { status: 404, serviceCode: "stream_not_found" });
    if (got.status === "answered") return { answer: got.answer, next: got.next };
    if (attempt >= retries) throw new PendingTooLongError(`the service has no anchored answer yet (still pending after ${retries} retries): try again later`);
    const seconds = Math.min(60, Math.max(1, Math.ceil(got.retryAfterSeconds)));
    onWait?.(seconds);
    await sleep(seconds * 1000);
  }
}
