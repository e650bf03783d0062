// The browser verifier in real headless Chromium (Debian's chromium, driven by playwright-core): served at GET
// /verify by a real ledger (embedded PostgreSQL, anvil, the service) with its CSP, and opened from file:// with
// no server. It reads LedgerAnchor from anvil over JSON-RPC itself: a real bundle passes with every check ✓, a
// tampered one fails ✗ with the same codes core gives in Node, and an RPC URL that answers nothing is a clear error.
import t from "tap";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { recordHash, verifyBundleV2, type FullRecord } from "../../core/index.ts";
import { readBundleFacts } from "../../sdk/chain-facts.ts";
import { connectLedgerAnchor } from "../../sdk/ledger-anchor.ts";
import { buildVerifierHtml } from "../../scripts/sdk/build-verifier.ts";
import { VERIFIER_PAGE } from "../../server/verifier/route.ts";
import { startApiLedger } from "../api/harness.ts";
import { stopTestCluster } from "../helpers/postgres.ts";

t.teardown(stopTestCluster);

// set up in t.before: tap would end the root test while a top-level await is pending
let api: Awaited<ReturnType<typeof startApiLedger>>;
let bundle: Record<string, unknown> & { anchor: { root: string } };
let browser: Browser;
t.before(async () => {
  // the same build `npm test` runs first (npm run build:verifier), so the service serves this commit's page
  mkdirSync(dirname(fileURLToPath(VERIFIER_PAGE)), { recursive: true });
  writeFileSync(VERIFIER_PAGE, await buildVerifierHtml());
  api = await startApiLedger();
  t.teardown(() => api.close());
  const device = await api.newDevice({ register: false });
  await api.enroll(device, "plant-1");
  const auditor = await api.principal("browser-auditor", "auditor");
  const env = device.envelope(api.domain, 2);
  const submitted = await api.submit(env);
  if (submitted.status !== 201) throw new Error(`envelope refused: ${submitted.status}`);
  await api.waitAnchored(2);
  const hash = recordHash((env.records as FullRecord[])[0]!.header);
  const proof = await api.get(`/v1/records/${hash}/proof`, auditor.key);
  if (proof.statusCode !== 200) throw new Error(`no bundle: ${proof.statusCode} ${proof.body}`);
  bundle = proof.json();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  t.teardown(() => browser.close());
});

// what the page's functions below see of the DOM (this file is typed for Node: no DOM lib)
type El = { className: string; textContent: string | null; dataset: Record<string, string | undefined>; cells: ArrayLike<El> };
type Dom = { document: { getElementById(id: string): El; querySelectorAll(selector: string): ArrayLike<El> } };
type Shown = { status: string; code: string | null; text: string; rows: { check: string; ok: string; mark: string; code: string; expected: string; computed: string }[] };

/** Opens the page at `url`, drops `doc` in as a file, gives `rpc`, presses Verify and reads what it shows. */
async function verifyIn(url: string, doc: unknown, rpc: string, errors: string[] = []): Promise<Shown> {
  const page: Page = await browser.newPage();
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    await page.goto(url);
    await page.waitForSelector("#verify[data-ready=true]");
    await page.setInputFiles("#file", { name: "bundle.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(doc)) });
    await page.fill("#rpc", rpc);
    await page.click("#verify");
    await page.waitForFunction(() => ["ok", "failed", "error"].includes((globalThis as unknown as Dom).document.getElementById("status").className), undefined, { timeout: 30_000 });
    return await page.evaluate(() => {
      const { document } = globalThis as unknown as Dom;
      const s = document.getElementById("status");
      const rows = Array.from(document.querySelectorAll("#checks tbody tr")).map((r) => {
        const td = Array.from(r.cells).map((c) => c.textContent ?? "");
        return { check: r.dataset.check!, ok: r.dataset.ok!, mark: td[0]!, code: td[2]!, expected: td[3]!, computed: td[4]! };
      });
      return { status: s.className, code: s.dataset.code ?? null, text: s.textContent ?? "", rows };
    });
  } finally {
    await page.close();
  }
}

const served = () => `${api.url}/verify`;

t.test("GET /verify serves the page with a CSP that allows only its own script and style", async (t) => {
  const res = await fetch(served());
  t.equal(res.status, 200);
  t.match(res.headers.get("content-type"), /^text\/html/);
  const csp = res.headers.get("content-security-policy") ?? "";
  t.match(csp, /default-src 'none'/);
  t.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/, "one inline script, by hash");
  t.match(csp, /connect-src http: https:/, "JSON-RPC to the URL the user gives");
  t.notMatch(csp, /unsafe/, "no unsafe-inline or unsafe-eval");
});

t.test("a valid bundle: every check ✓", async (t) => {
  const errors: string[] = [];
  const shown = await verifyIn(served(), bundle, api.chain.rpcUrl, errors);
  t.equal(shown.status, "ok", shown.text);
  t.ok(shown.rows.length >= 8, `${shown.rows.length} checks shown`);
  t.ok(shown.rows.every((r) => r.ok === "true" && /[✓–]/.test(r.mark)), "all ✓", { rows: shown.rows });
  t.same(errors, [], "no script error and no CSP violation");
});

t.test("a tampered bundle: ✗ with the codes core gives in Node, expected and computed shown", async (t) => {
  const tampered = structuredClone(bundle);
  tampered.anchor.root = "0x" + "11".repeat(32);
  const reader = await connectLedgerAnchor(api.chain.rpcUrl, api.domain.verifyingContract);
  t.teardown(() => reader.close());
  const inNode = verifyBundleV2(tampered, await readBundleFacts(reader, tampered as never)).checks.filter((c) => !c.ok);
  t.ok(inNode.length > 0, `core fails it in Node: ${inNode.map((c) => c.code).join(", ")}`);

  const shown = await verifyIn(served(), tampered, api.chain.rpcUrl);
  t.equal(shown.status, "failed", shown.text);
  t.equal(shown.code, inNode[0]!.code, "the status names the first failed check's code");
  const failed = shown.rows.filter((r) => r.ok === "false");
  t.same(failed.map((r) => [r.check, r.code, r.mark]), inNode.map((c) => [c.name, c.code, "✗"]), "the same failed checks, with ✗ and their codes");
  const root = failed.find((r) => r.expected.includes(bundle.anchor.root) || r.computed.includes(bundle.anchor.root) || r.expected.includes("11".repeat(32)) || r.computed.includes("11".repeat(32)));
  t.ok(root, "expected and computed values are shown", { failed });
});

t.test("a wrong RPC URL: a clear error, no verdict", async (t) => {
  const shown = await verifyIn(served(), bundle, "http://127.0.0.1:9");
  t.equal(shown.status, "error");
  t.equal(shown.code, "chain_unreachable");
  t.match(shown.text, /Cannot read the chain at http:\/\/127\.0\.0\.1:9/);
  t.same(shown.rows, [], "no checks shown");

  const notAChain = await verifyIn(served(), bundle, `${api.url}/healthz`);
  t.equal(notAChain.status, "error", "a URL that is not a JSON-RPC node");
  t.equal(notAChain.code, "chain_unreachable");
  t.match(notAChain.text, /did not answer eth_chainId/);
});

t.test("from file://, with no server at all", async (t) => {
  const shown = await verifyIn(VERIFIER_PAGE.href, bundle, api.chain.rpcUrl);
  t.equal(shown.status, "ok", shown.text);
  t.ok(shown.rows.length >= 8 && shown.rows.every((r) => r.ok === "true"), "all ✓");
});
