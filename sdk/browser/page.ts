// The browser verifier's page logic: read the dropped or pasted document, connect to LedgerAnchor over the RPC
// URL the user gave (proving chain id and contract first), run core's verifier through the SDK, and show every
// check ✓/✗ with its code, expected and computed values. Nothing is sent to, or read from, the ledger service.
import { ChainError, connectLedgerAnchor, type LedgerAnchorReader } from "../ledger-anchor.ts";
import { documentVerifier, type DocumentCheck, type DocumentVerdict } from "../verify-document.ts";
import "./receipt.ts";

/** A problem with what the user gave (no document, no RPC URL): shown as an error, not as a failed check. */
class InputError extends Error {
  readonly code: "no_document" | "not_json" | "no_rpc" | "bad_rpc_url" | "bad_chain_id";
  constructor(code: InputError["code"], message: string) {
    super(message);
    this.code = code;
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const value = (id: string) => $<HTMLInputElement>(id).value.trim();
let dropped: { name: string; bytes: Uint8Array } | null = null;

const show = (v: unknown): string => v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v, (_k, x) => typeof x === "bigint" ? x.toString() : x as unknown);

function status(kind: "ok" | "failed" | "error" | "working", text: string, code?: string): void {
  const el = $("status");
  el.className = kind;
  el.textContent = text;
  if (code === undefined) delete el.dataset.code;
  else el.dataset.code = code;
}

/** The document: a dropped file (JSON, else its bytes for a binary COSE receipt) or the pasted JSON. */
function readDocument(): unknown {
  if (dropped !== null) {
    const text = new TextDecoder("utf-8", { fatal: false }).decode(dropped.bytes).trim();
    if (text.startsWith("{")) {
      try {
        return JSON.parse(text);
      } catch (err) {
        throw new InputError("not_json", `${dropped.name} is not valid JSON: ${(err as Error).message}`);
      }
    }
    return dropped.bytes;
  }
  const pasted = value("paste");
  if (pasted === "") throw new InputError("no_document", "drop a file or paste a document first");
  try {
    return JSON.parse(pasted);
  } catch (err) {
    throw new InputError("not_json", `the pasted text is not valid JSON: ${(err as Error).message}`);
  }
}

function rpcUrl(): string {
  const rpc = value("rpc");
  if (rpc === "") throw new InputError("no_rpc", "enter the chain's JSON-RPC URL (http:// or https://)");
  let url: URL;
  try {
    url = new URL(rpc);
  } catch {
    throw new InputError("bad_rpc_url", `not a URL: ${rpc}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InputError("bad_rpc_url", `the RPC URL must be http:// or https://, not ${url.protocol}`);
  return rpc;
}

function renderChecks(checks: DocumentCheck[]): void {
  const body = $("checks").querySelector("tbody")!;
  body.replaceChildren(...checks.map((c) => {
    const row = document.createElement("tr");
    row.dataset.check = c.name;
    row.dataset.ok = String(c.ok);
    const cells = [c.ok ? (c.skipped ? "–" : "✓") : "✗", c.name, c.code ?? "", show(c.expected), show(c.computed), c.message ?? ""];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      if (i === 0) td.className = "mark";
      if (i === 2) td.className = "code";
      if (i >= 2 && i <= 4 && text !== "") td.append(Object.assign(document.createElement("code"), { textContent: text }));
      else td.textContent = text;
      row.append(td);
    });
    return row;
  }));
  $("checks").hidden = checks.length === 0;
}

function renderVerdict(v: DocumentVerdict): void {
  renderChecks(v.checks);
  const failed = v.checks.filter((c) => !c.ok);
  if (v.ok) status("ok", `✓ verified: every check of this ${v.kind} passed against LedgerAnchor`);
  else status("failed", `✗ not verified: ${failed.map((c) => `${c.name} (${c.code ?? "failed"})`).join(", ")}`, failed[0]?.code);
  $("facts").textContent = v.facts === null ? "" : JSON.stringify(v.facts, (_k, x) => typeof x === "bigint" ? x.toString() : x as unknown, 2);
  $("facts-box").hidden = v.facts === null;
}

/** A chain that is not the document's (wrong id, no LedgerAnchor there) is a failed check; an unreachable one an error. */
function renderChainError(err: ChainError, rpc: string): void {
  if (err.code === "chain_id_mismatch" || err.code === "contract_missing") {
    const name = err.code === "chain_id_mismatch" ? "chain_id" : "contract";
    renderChecks([{ name, ok: false, code: err.code, expected: err.expected, computed: err.computed, message: err.message }]);
    status("failed", `✗ not verified: ${name} (${err.code}): ${err.message}`, err.code);
  } else {
    status("error", `Cannot read the chain at ${rpc}: ${err.message}. Check the RPC URL, that the node is up, and that it allows requests from this page (CORS).`, err.code);
  }
}

async function verify(): Promise<void> {
  $("checks").hidden = true;
  $("facts-box").hidden = true;
  let reader: LedgerAnchorReader | null = null;
  let rpc = "";
  try {
    const doc = readDocument();
    const verifier = documentVerifier(doc);
    rpc = rpcUrl();
    const anchor = verifier.anchorOf(doc);
    const contract = value("contract") || anchor?.contract || "";
    const chainIdText = value("chain-id");
    if (chainIdText !== "" && !/^\d+$/.test(chainIdText)) throw new InputError("bad_chain_id", `not a chain id: ${chainIdText}`);
    const expectedChainId = chainIdText !== "" ? Number(chainIdText) : anchor?.chainId;
    status("working", `Reading LedgerAnchor ${contract} at ${rpc}…`);
    reader = await connectLedgerAnchor(rpc, contract, { expectedChainId, timeoutMs: 15_000 });
    const recordHash = value("record-hash");
    renderVerdict(await verifier.verify(doc, reader, recordHash === "" ? {} : { recordHash }));
  } catch (err) {
    if (err instanceof ChainError) renderChainError(err, rpc);
    else status("error", (err as Error).message, (err as { code?: string }).code);
  } finally {
    reader?.close();
  }
}

async function take(file: File): Promise<void> {
  dropped = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  $<HTMLTextAreaElement>("paste").value = "";
  $("drop").dataset.file = file.name;
  status("working", `Loaded ${file.name} (${dropped.bytes.length} bytes): give the RPC URL and press Verify`);
}

const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const file = e.dataTransfer?.files[0];
  if (file) void take(file);
});
$<HTMLInputElement>("file").addEventListener("change", (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) void take(file);
});
$("paste").addEventListener("input", () => { dropped = null; });
$("verify").addEventListener("click", () => void verify());
$("verify").dataset.ready = "true";
