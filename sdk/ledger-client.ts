// The ledger calls an edge agent or a verifier makes, with answers classified for them: GET /v1/info, POST
// /v1/envelopes, the envelope proof, the record proof bundle, and the stream answer. Built on the typed client.
import { createLedgerApi, type LedgerApi } from "./client.ts";
import { httpError, LedgerApiError } from "./errors.ts";
import { fetchStreamAnswer, type StreamAnswerAnswer, type StreamAnswerQuery } from "./stream-answer-route.ts";

export type PostOutcome =
  | { kind: "accepted"; status: 200 | 201; receipt: unknown }
  | { kind: "resync"; status: 409; code: string; expectedSeq: number; lastHash: string | null; message: string }
  | { kind: "equivocation"; status: 409; body: unknown; message: string }
  | { kind: "rejected"; status: number; code: string; message: string; body: unknown }
  | { kind: "unavailable"; status: number | null; message: string };

export interface LedgerInfo {
  chainId: number;
  contract: string;
}

export type Anchored<K extends string> = ({ status: "anchored" } & Record<K, unknown>) | { status: "pending"; body: unknown };

const KEY_HINT = ": set ledger.apiKey to an auditor key";

export class LedgerClient {
  readonly baseUrl: string;
  readonly api: LedgerApi;
  private readonly options: { baseUrl: string; timeoutMs: number; apiKey?: string; fetch?: (request: Request) => Promise<Response> };

  constructor(baseUrl: string, timeoutMs: number, apiKey?: string, fetchFn?: (request: Request) => Promise<Response>) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.options = { baseUrl: this.baseUrl, timeoutMs, apiKey, fetch: fetchFn };
    // envelopes authenticate by their device signature; the key is for the read API (proofs)
    this.api = createLedgerApi({ baseUrl: this.baseUrl, apiKey, authorize: "reads", timeoutMs, fetch: fetchFn });
  }

  /** chainId and LedgerAnchor address from GET /v1/info, or null if the service does not offer it. */
  async info(): Promise<LedgerInfo | null> {
    const { data, error, response } = await this.api.GET("/v1/info");
    if (response.status === 404) return null;
    if (!response.ok) throw httpError("GET /v1/info", response.status, error, response.status === 401 || response.status === 403 ? KEY_HINT : "");
    // older services put the domain elsewhere: accept what they said, check its shape
    const body = data as { chainId?: unknown; contract?: unknown; contractAddress?: unknown; eip712?: { domain?: { chainId?: unknown; verifyingContract?: unknown } }; domain?: { chainId?: unknown; verifyingContract?: unknown } };
    const domain = body.eip712?.domain ?? body.domain;
    const chainId = Number(body.chainId ?? domain?.chainId);
    const contract = String(body.contract ?? body.contractAddress ?? domain?.verifyingContract ?? "");
    if (!Number.isSafeInteger(chainId) || !/^0x[0-9a-fA-F]{40}$/.test(contract)) throw new LedgerApiError("bad_answer", "GET /v1/info lacks chainId or contract", { status: response.status, body });
    return { chainId, contract: contract.toLowerCase() };
  }

  /** Posts a serialized envelope and classifies the answer; never throws for HTTP or network failures. */
  async postEnvelope(json: string): Promise<PostOutcome> {
    let answer: { data?: unknown; error?: unknown; response: Response };
    try {
      answer = await this.api.POST("/v1/envelopes", { body: json as never, bodySerializer: (b: unknown) => b as string, headers: { "content-type": "application/json" } });
    } catch (err) {
      return { kind: "unavailable", status: null, message: (err as Error).message };
    }
    const { response: res } = answer;
    const body = res.ok ? answer.data : answer.error;
    const b = (typeof body === "object" && body !== null ? body : {}) as { code?: string; message?: string; expectedSeq?: unknown; lastHash?: unknown };
    const message = b.message ?? res.statusText;
    if (res.status === 200 || res.status === 201) return { kind: "accepted", status: res.status, receipt: body ?? null };
    if (res.status === 409) {
      // a stream head conflict (stream_seq_gap, stream_prev_mismatch, stream_time_order, stream_name_conflict) is
      // not a device chain resync: the agent's own stream chain disagrees with the ledger's
      if (b.code?.startsWith("stream_")) return { kind: "rejected", status: 409, code: b.code, message, body };
      if (b.code !== "equivocation" && Number.isSafeInteger(b.expectedSeq)) {
        return { kind: "resync", status: 409, code: b.code ?? "conflict", expectedSeq: b.expectedSeq as number, lastHash: typeof b.lastHash === "string" ? b.lastHash : null, message };
      }
      return { kind: "equivocation", status: 409, body, message };
    }
    if (res.status >= 500 || res.status === 429 || res.status === 408) return { kind: "unavailable", status: res.status, message };
    return { kind: "rejected", status: res.status, code: b.code ?? "rejected", message, body };
  }

  /** The envelope proof of an acknowledged envelope, or a pending marker until it is anchored; null if the ledger does not know it. */
  async envelopeProof(device: string, firstSeq: number): Promise<Anchored<"proof"> | null> {
    const { data, error, response } = await this.api.GET("/v1/envelopes/{device}/{firstSeq}/proof", { params: { path: { device, firstSeq } } });
    const what = `GET /v1/envelopes/${device}/${firstSeq}/proof`;
    if (response.status === 404) return null;
    if (!response.ok) throw httpError(what, response.status, error, response.status === 401 || response.status === 403 ? KEY_HINT : "");
    const body = data as { status?: string };
    return response.status === 202 || body.status === "pending" ? { status: "pending", body } : { status: "anchored", proof: body };
  }

  /** The proof bundle of a record, or a pending marker until it is anchored; null if the ledger does not know it. */
  async proof(hash: string): Promise<Anchored<"bundle"> | null> {
    const { data, error, response } = await this.api.GET("/v1/records/{hash}/proof", { params: { path: { hash } } });
    const what = `GET /v1/records/${hash}/proof`;
    if (response.status === 404) return null;
    if (!response.ok) throw httpError(what, response.status, error, response.status === 401 || response.status === 403 ? KEY_HINT : "");
    const body = data as { status?: string; bundle?: unknown; version?: string };
    if (response.status === 202 || body.status === "pending") return { status: "pending", body };
    return { status: "anchored", bundle: body.version ? body : (body.bundle ?? body) };
  }

  /** GET /v1/streams/answer: the otledger.stream-answer/1, pending (202) with a retry hint, or null (404). */
  streamAnswer(query: StreamAnswerQuery): Promise<StreamAnswerAnswer | null> {
    return fetchStreamAnswer(this.options, query);
  }
}
