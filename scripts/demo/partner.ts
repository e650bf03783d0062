// A maintenance contractor gets a scoped key: events of site plant-1 within today's window. It reads what the
// grant covers (its site's events, by asset too), fetches the proof bundle of the maintenance record, and gets
// nothing outside its grant: no series, not by hash, not their samples, not outside the time window.
import { call, expect, principalWithKey } from "./api.ts";
import type { DemoLedger } from "./ledger.ts";
import { SITE } from "./plant.ts";
import { allRecords, eventBody, kindOf, streamOf } from "./records.ts";
import { short, type Story } from "./story.ts";

export type PartnerResult = { key: string; bundle: { version: string } | null; events: number };

export async function partnerStep(story: Story, ledger: DemoLedger, maintenance: { hash: string }, seriesHash: string, windowStart: Date): Promise<PartnerResult> {
  const partner = await principalWithKey(ledger.url, ledger.adminKey, "acme-maintenance", "partner");
  const grant = { site: SITE, kind: "event", from: windowStart.toISOString(), to: new Date(windowStart.getTime() + 86_400_000).toISOString() };
  await expect(201, ledger.url, "POST", `/v1/admin/principals/${partner.id}/grants`, ledger.adminKey, grant);
  story.line("partner acme-maintenance", `key otl_…, grant site=${grant.site} kind=${grant.kind} window=[${grant.from.slice(0, 16)}Z, +24 h)`);

  const events = await allRecords(ledger, partner.key, `site=${SITE}`);
  const kinds = new Set(events.map(kindOf));
  const types = new Set(events.map((i) => eventBody(i).type));
  const sawMaintenance = events.some((i) => i.hash === maintenance.hash);
  story.check("in scope: the partner reads its events", events.length > 0 && sawMaintenance && [...kinds].every((k) => k === "event"),
    `${events.length} event records (${[...types].join(", ")}) in ${new Set(events.map(streamOf)).size} streams, maintenance record ${short(maintenance.hash)} included`);

  // Events go per asset (stream @events/<asset>): the asset filter selects one asset's stream.
  const p101 = await allRecords(ledger, partner.key, "asset=P-101");
  story.check("in scope: the asset filter selects one asset's events", p101.length > 0 && p101.some((i) => i.hash === maintenance.hash) &&
    p101.every((i) => streamOf(i) === "@events/P-101" && eventBody(i).asset === "P-101"),
    `?asset=P-101 → ${p101.length} records, all in stream @events/P-101`);

  const series = await expect(200, ledger.url, "GET", "/v1/records?kind=series&limit=1000", partner.key);
  story.check("out of scope: series query returns nothing", series.records.length === 0, `GET /v1/records?kind=series → ${series.records.length} records`);
  const one = await call(ledger.url, "GET", `/v1/records/${seriesHash}`, partner.key);
  const samples = await call(ledger.url, "GET", `/v1/records/${seriesHash}/samples`, partner.key);
  // Out-of-scope records are answered as absent, not as stubs: the partner cannot tell a neighbour's series exists.
  story.check("out of scope: a series by hash and its samples are absent", one.status === 404 && samples.status === 404,
    `GET /v1/records/${short(seriesHash)} → ${one.status} ${one.body?.code ?? ""}, …/samples → ${samples.status} ${samples.body?.code ?? ""}`);
  const later = await expect(200, ledger.url, "GET", `/v1/records?from=${encodeURIComponent(grant.to)}&limit=10`, partner.key);
  story.check("out of scope: outside the time window returns nothing", later.records.length === 0, `from=${grant.to.slice(0, 16)}Z → ${later.records.length} records`);

  let bundle: { version: string } | null = null;
  const deadline = Date.now() + 15_000;
  while (bundle === null && Date.now() < deadline) {
    const proof = await call(ledger.url, "GET", `/v1/records/${maintenance.hash}/proof`, partner.key);
    if (proof.status === 200) bundle = proof.body;
    else if (proof.status === 202) await new Promise((r) => setTimeout(r, 300));
    else throw new Error(`proof of the maintenance record answered ${proof.status}: ${JSON.stringify(proof.body)}`);
  }
  story.check("partner gets the maintenance record's proof bundle", bundle?.version === "otledger.bundle/2",
    bundle === null ? "still pending after 15 s" : `${bundle.version}`);
  return { key: partner.key, bundle, events: events.length };
}
