// A maintenance contractor gets a scoped key: events of site plant-1 within today's window. It reads what the
// grant covers, fetches the proof bundle of the maintenance record, and gets nothing outside its grant.
import { call, expect, principalWithKey } from "./api.ts";
import type { DemoLedger } from "./ledger.ts";
import { SITE } from "./plant.ts";
import { short, type Story } from "./story.ts";

export type PartnerResult = { key: string; bundle: unknown | null };

export async function partnerStep(story: Story, ledger: DemoLedger, maintenance: { hash: string }, readingHash: string, windowStart: Date): Promise<PartnerResult> {
  const partner = await principalWithKey(ledger.url, ledger.adminKey, "acme-maintenance", "partner");
  const grant = { site: SITE, kind: "event", from: windowStart.toISOString(), to: new Date(windowStart.getTime() + 86_400_000).toISOString() };
  await expect(201, ledger.url, "POST", `/v1/admin/principals/${partner.id}/grants`, ledger.adminKey, grant);
  story.line("partner acme-maintenance", `key otl_…, grant site=${grant.site} kind=${grant.kind} window=[${grant.from.slice(0, 16)}Z, +24 h)`);

  const events = await expect(200, ledger.url, "GET", `/v1/records?site=${SITE}&limit=1000`, partner.key);
  const kinds = new Set<string>(events.records.map((r: { record: { kind: string } }) => r.record.kind));
  const types = events.records.map((r: { record: { body: { type: string } } }) => r.record.body.type);
  const sawMaintenance = events.records.some((r: { hash: string }) => r.hash === maintenance.hash);
  story.check("in scope: the partner reads its events", events.records.length > 0 && sawMaintenance && [...kinds].every((k) => k === "event"),
    `${events.records.length} event records (${[...new Set(types)].join(", ")}), maintenance record ${short(maintenance.hash)} included`);

  const readings = await expect(200, ledger.url, "GET", `/v1/records?kind=reading&limit=1000`, partner.key);
  story.check("out of scope: readings query returns nothing", readings.records.length === 0, `GET /v1/records?kind=reading → ${readings.records.length} records`);
  const one = await call(ledger.url, "GET", `/v1/records/${readingHash}`, partner.key);
  story.check("out of scope: a reading by hash is absent", one.status === 404, `GET /v1/records/${short(readingHash)} → ${one.status} ${one.body?.code ?? ""}`);
  const later = await expect(200, ledger.url, "GET", `/v1/records?from=${encodeURIComponent(grant.to)}&limit=10`, partner.key);
  story.check("out of scope: outside the time window returns nothing", later.records.length === 0, `from=${grant.to.slice(0, 16)}Z → ${later.records.length} records`);

  let bundle: unknown | null = null;
  const deadline = Date.now() + 15_000;
  while (bundle === null && Date.now() < deadline) {
    const proof = await call(ledger.url, "GET", `/v1/records/${maintenance.hash}/proof`, partner.key);
    if (proof.status === 200) bundle = proof.body;
    else if (proof.status === 202) await new Promise((r) => setTimeout(r, 300));
    else throw new Error(`proof of the maintenance record answered ${proof.status}: ${JSON.stringify(proof.body)}`);
  }
  story.check("partner gets the maintenance record's proof bundle", bundle !== null, bundle === null ? "still pending after 15 s" : "otledger.bundle/1");
  return { key: partner.key, bundle };
}
