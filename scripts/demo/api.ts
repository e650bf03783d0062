// The demo talks to the ledger over real HTTP, as an operator, a partner and an auditor would.
export type Answer = { status: number; body: any };

export async function call(base: string, method: string, path: string, key?: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

/** A call that must answer `status`; anything else is a demo failure with the server's answer. */
export async function expect(status: number, base: string, method: string, path: string, key?: string, body?: unknown): Promise<any> {
  const a = await call(base, method, path, key, body);
  if (a.status !== status) throw new Error(`${method} ${path} answered ${a.status}, expected ${status}: ${JSON.stringify(a.body).slice(0, 400)}`);
  return a.body;
}

/** An admin creates a principal with one API key. */
export async function principalWithKey(base: string, adminKey: string, name: string, role: "partner" | "auditor"): Promise<{ id: number; key: string }> {
  const p = await expect(201, base, "POST", "/v1/admin/principals", adminKey, { name, role });
  const k = await expect(201, base, "POST", `/v1/admin/principals/${p.id}/keys`, adminKey, { label: "demo" });
  return { id: p.id, key: k.key };
}
