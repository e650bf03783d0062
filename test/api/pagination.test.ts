// Cursor pagination while devices keep submitting: every record is returned exactly once, in log order.
import t from "tap";
import { stopTestCluster } from "../helpers/postgres.ts";
import { startApiLedger } from "./harness.ts";

t.teardown(stopTestCluster);

t.test("pages neither lose nor repeat records under concurrent ingest", async (t) => {
  const api = await startApiLedger();
  t.teardown(() => api.close());
  const devices = await Promise.all([0, 1, 2].map(() => api.newDevice({ register: false })));
  for (const [i, d] of devices.entries()) await api.enroll(d, `site-${i}`);
  const partner = await api.principal("p", "partner");
  await api.grant(partner.id, { kind: "reading" });

  let ingesting = true;
  const ingest = (async () => {
    for (let round = 0; round < 25; round++) {
      await Promise.all(devices.map(async (d) => {
        const res = await api.submit(d.envelope(api.domain, 1 + (round % 4)));
        if (res.status !== 201) throw new Error(`submit ${res.status}`);
      }));
    }
    ingesting = false;
  })();

  const seen: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  for (;;) {
    const res = await api.get(`/v1/records?kind=reading&limit=7${cursor === null ? "" : `&cursor=${cursor}`}`, partner.key);
    t.equal(res.statusCode, 200);
    const page = res.json() as { records: { index: number }[]; nextCursor: string | null; hasMore: boolean };
    seen.push(...page.records.map((r) => r.index));
    cursor = page.nextCursor;
    pages++;
    if (!ingesting && !page.hasMore) {
      // One more read after ingest ended, to pick up anything committed since this page was read.
      const tail = await api.get(`/v1/records?kind=reading&limit=1000${cursor === null ? "" : `&cursor=${cursor}`}`, partner.key);
      seen.push(...(tail.json().records as { index: number }[]).map((r) => r.index));
      break;
    }
  }
  await ingest;
  const all = await api.ownerDb.query<{ leaf_index: number }>("SELECT leaf_index FROM records_indexed WHERE kind = 'reading' ORDER BY leaf_index");
  const expected = all.rows.map((r) => Number(r.leaf_index));
  t.ok(pages > 5, `paged while ingesting (${pages} pages)`);
  t.equal(new Set(seen).size, seen.length, "no record twice");
  t.same(seen, expected, "every record, in log order");
});
