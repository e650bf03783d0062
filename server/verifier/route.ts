// GET /verify: the browser verifier (one self-contained HTML file built from core and sdk by `npm run
// build:verifier`, dist/verify.html). The page trusts nothing of the service's: it reads LedgerAnchor itself over
// JSON-RPC from the URL the user gives, so its CSP lets it connect to any http(s) endpoint and run only its own
// inline script and style (by hash), nothing else.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { FastifyPluginAsync } from "fastify";
import { verifierPageSchema } from "./schema.ts";

export const VERIFIER_PAGE = new URL("../../dist/verify.html", import.meta.url);

type Page = { html: string; csp: string };

const hashesOf = (html: string, tag: "script" | "style") =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => `'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`);

/** The page's CSP: its own inline script and style by hash, JSON-RPC to any http(s) URL, nothing else (no frames, no forms). */
export function verifierCsp(html: string): string {
  return [
    "default-src 'none'", `script-src ${hashesOf(html, "script").join(" ")}`, `style-src ${hashesOf(html, "style").join(" ")}`,
    "connect-src http: https:", "img-src data:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
  ].join("; ");
}

export const verifierRoutes = (pagePath: URL = VERIFIER_PAGE): FastifyPluginAsync => async (app) => {
  let page: Page | null = null;
  app.get("/verify", { schema: verifierPageSchema }, async (_request, reply) => {
    if (page === null) {
      const html = await readFile(pagePath, "utf8").catch(() => null);
      if (html === null) {
        return reply.code(503).send({ statusCode: 503, code: "verifier_not_built", message: "the verifier page is not built: run `npm run build:verifier`", path: [] });
      }
      page = { html, csp: verifierCsp(html) };
    }
    return reply.header("content-security-policy", page.csp).header("x-content-type-options", "nosniff").header("referrer-policy", "no-referrer")
      .type("text/html; charset=utf-8").send(page.html);
  });
};
