/** HTTP client of the ledger service: GET /v1/info, POST /v1/envelopes, GET /v1/envelopes/{device}/{firstSeq}/proof, GET /v1/records/{hash}/proof. */
export type PostOutcome =
  | { kind: "accepted"; status: 200 | 201; receipt: unknown }
  | { kind: "resync"; status: 409; code: string; expectedSeq: number; lastHash: string | null; message: string }
  | { kind: "equivocation"; status: 409; body: unknown; message: string }
  | { kind: "rejected"; status: number; code: string; message: string; body: unknown }
  | { kind: "unavailable"; status: number | null; message: string };

export class LedgerAuthError extends Error {
  readonly code = "ledger_unauthorized";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface LedgerInfo {
  chainId: number;
  contract: string;
}

export class LedgerClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly apiKey: string | undefined;

  constructor(baseUrl: string, timeoutMs: number, apiKey?: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.timeoutMs = timeoutMs;
    this.apiKey = apiKey;
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    // envelopes authenticate by their device signature; the key is for the read API (proofs)
    const headers = new Headers(init.headers);
    if (this.apiKey && (init.method ?? "GET") === "GET") headers.set("authorization", `Bearer ${this.apiKey}`);
    return fetch(`${this.baseUrl}${path}`, { ...init, headers, signal: AbortSignal.timeout(this.timeoutMs) });
  }

  /** chainId and LedgerAnchor address from GET /v1/info, or null if the service does not offer it. */
  async info(): Promise<LedgerInfo | null> {
    const res = await this.request("/v1/info");
    if (res.status === 404) return null;
    if (res.status === 401 || res.status === 403) throw new LedgerAuthError(res.status, `GET /v1/info answered ${res.status}: set ledger.apiKey to an auditor key`);
    if (!res.ok) throw new Error(`GET /v1/info answered ${res.status}`);
    const body = (await res.json()) as { chainId?: unknown; contract?: unknown; contractAddress?: unknown; eip712?: { domain?: { chainId?: unknown; verifyingContract?: unknown } }; domain?: { chainId?: unknown; verifyingContract?: unknown } };
    const domain = body.eip712?.domain ?? body.domain;
    const chainId = Number(body.chainId ?? domain?.chainId);
    const contract = String(body.contract ?? body.contractAddress ?? domain?.verifyingContract ?? "");
    if (!Number.isSafeInteger(chainId) || !/^0x[0-9a-fA-F]{40}$/.test(contract)) throw new Error("GET /v1/info lacks chainId or contract");
    return { chainId, contract: contract.toLowerCase() };
  }

  /** Posts a serialized envelope and classifies the answer; never throws for HTTP or network failures. */
  async postEnvelope(json: string): Promise<PostOutcome> {
    let res: Response;
    try {
      res = await this.request("/v1/envelopes", { method: "POST", headers: { "content-type": "application/json" }, body: json });
    } catch (err) {
      return { kind: "unavailable", status: null, message: (err as Error).message };
    }
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    const b = (body ?? {}) as { code?: string; message?: string; expectedSeq?: unknown; lastHash?: unknown };
    const message = b.message ?? res.statusText;
    if (res.status === 200 || res.status === 201) return { kind: "accepted", status: res.status, receipt: body };
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
  async envelopeProof(device: string, firstSeq: number): Promise<{ status: "anchored"; proof: unknown } | { status: "pending"; body: unknown } | null> {
    const res = await this.request(`/v1/envelopes/${device}/${firstSeq}/proof`);
    if (res.status === 404) return null;
    if (res.status === 401 || res.status === 403) throw new LedgerAuthError(res.status, `GET /v1/envelopes/{device}/{firstSeq}/proof answered ${res.status}: set ledger.apiKey to an auditor key`);
    if (!res.ok) throw new Error(`GET /v1/envelopes/${device}/${firstSeq}/proof answered ${res.status}`);
    const body = (await res.json()) as { status?: string };
    return res.status === 202 || body.status === "pending" ? { status: "pending", body } : { status: "anchored", proof: body };
  }

  /** The proof bundle of a record, or a pending marker until it is anchored; null if the ledger does not know it. */
  async proof(hash: string): Promise<{ status: "anchored"; bundle: unknown } | { status: "pending"; body: unknown } | null> {
    const res = await this.request(`/v1/records/${hash}/proof`);
    if (res.status === 404) return null;
    if (res.status === 401 || res.status === 403) throw new LedgerAuthError(res.status, `GET /v1/records/{hash}/proof answered ${res.status}: set ledger.apiKey to an auditor key`);
    const body = (await res.json()) as { status?: string; bundle?: unknown; version?: string };
    if (res.status === 202 || body.status === "pending") return { status: "pending", body };
    if (!res.ok) throw new Error(`GET /v1/records/${hash}/proof answered ${res.status}`);
    return { status: "anchored", bundle: body.version ? body : (body.bundle ?? body) };
  }
}
