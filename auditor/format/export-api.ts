// Opens the service's GET /v1/export stream (docs/AUDIT-FORMAT.md §1) with an API key.
import { Readable } from "node:stream";
import { InputError } from "./input-error.ts";
import { readNdjson, type RawLine } from "./ndjson.ts";

export type ExportQuery = { from?: string; to?: string; devices?: string[]; receipts?: boolean; fromIndex?: number };

export function exportUrl(api: string, q: ExportQuery): URL {
  const url = new URL("/v1/export", api.endsWith("/") ? api : api + "/");
  if (q.from !== undefined) url.searchParams.set("from", q.from);
  if (q.to !== undefined) url.searchParams.set("to", q.to);
  for (const d of q.devices ?? []) url.searchParams.append("device", d.toLowerCase());
  if (q.fromIndex !== undefined && q.fromIndex > 0) url.searchParams.set("fromIndex", String(q.fromIndex));
  if (q.receipts) url.searchParams.set("receipts", "true");
  return url;
}

export async function openExportStream(api: string, apiKey: string, q: ExportQuery = {}): Promise<AsyncGenerator<RawLine>> {
  let url: URL;
  try {
    url = exportUrl(api, q);
  } catch {
    throw new InputError("api_unreachable", `--api must be a URL such as http://127.0.0.1:3000, got ${api}`);
  }
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}`, accept: "application/x-ndjson" } });
  } catch (err) {
    throw new InputError("api_unreachable", `cannot reach the ledger API at ${url.origin}: ${(err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    const body = await res.text().catch(() => "");
    const hint = res.status === 401 || res.status === 403 ? " (check --api-key and its grants)" : "";
    throw new InputError("api_rejected", `GET ${url.pathname} answered ${res.status}${hint}: ${body.slice(0, 300)}`);
  }
  return readNdjson(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), url.pathname);
}
