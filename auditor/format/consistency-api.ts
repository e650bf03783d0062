// GET /v1/checkpoints/consistency (RFC 9162 §2.1.4 proof between two anchored sizes), read with an API key.
// The answer is the service's claim only: the caller verifies it against roots it read from the chain.
import { InputError } from "./input-error.ts";

export type ConsistencyAnswer =
  | { ok: true; proof: string[] }
  /** The service refused to prove it (e.g. 400 tree_size_not_anchored): evidence, not an I/O error. */
  | { ok: false; status: number; code: string; message: string };

export async function fetchConsistencyProof(api: string, apiKey: string, from: number, to: number): Promise<ConsistencyAnswer> {
  const url = new URL("/v1/checkpoints/consistency", api.endsWith("/") ? api : api + "/");
  url.searchParams.set("from", String(from));
  url.searchParams.set("to", String(to));
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}`, accept: "application/json" } });
  } catch (err) {
    throw new InputError("api_unreachable", `cannot reach the ledger API at ${url.origin}: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as { proof?: unknown; code?: unknown; message?: unknown } | null;
  if (res.status === 401 || res.status === 403) throw new InputError("api_rejected", `GET ${url.pathname} answered ${res.status} (check --api-key)`);
  if (res.ok && Array.isArray(body?.proof) && body.proof.every((h) => typeof h === "string")) return { ok: true, proof: body.proof as string[] };
  return { ok: false, status: res.status, code: typeof body?.code === "string" ? body.code : "unknown", message: typeof body?.message === "string" ? body.message : JSON.stringify(body).slice(0, 300) };
}
