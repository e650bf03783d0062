// npm run build:verifier [out.html]: bundles the browser verifier (sdk/browser/page.ts with core and sdk) into one
// self-contained HTML file (default dist/verify.html) that works from file:// and is served at GET /verify.
// core's two Node-only pieces are swapped for browser ones: node:crypto's hash() (SHA-256 from @noble/hashes,
// through ethers) and the Buffer global (the `buffer` package).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ROOT = here("../../");

/** The page's HTML with its script inlined. */
export async function buildVerifierHtml(): Promise<string> {
  const result = await build({
    entryPoints: [here("../../sdk/browser/page.ts")],
    bundle: true, minify: true, write: false, format: "iife", platform: "browser", target: ["es2022"],
    alias: { "node:crypto": here("./browser-shims/node-crypto.ts") },
    inject: [here("./browser-shims/buffer-global.ts")],
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "none", charset: "utf8", absWorkingDir: ROOT, logLevel: "silent",
  });
  // inline: a "</script" inside the code would end the element early
  const script = result.outputFiles[0]!.text.replaceAll("</script", "<\\/script").trim();
  const template = readFileSync(here("../../sdk/browser/verify.html"), "utf8");
  if (!template.includes("/*SCRIPT*/")) throw new Error("sdk/browser/verify.html lacks the /*SCRIPT*/ placeholder");
  return template.replace("/*SCRIPT*/", () => script);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? `${ROOT}dist/verify.html`;
  const html = await buildVerifierHtml();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  console.log(`wrote ${out} (${(html.length / 1024).toFixed(0)} KiB)`);
}
